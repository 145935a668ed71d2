import { formatUsd } from './format-values.js';
import type { Report } from './types.js';

/** `2026-01-01` for a UTC midnight, else `2026-01-01 09:30 UTC`. */
function since(iso: string): string {
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * Which hourly rate(s) a report priced human work without an amount at, and where they come from,
 * as every format prints it.
 *
 * @example
 * hourlyRatesText(report); // "$40.00/h, $55.00/h from 2026-01-01 (the ledger's rates, each for the work done while it was in effect)"
 */
export function hourlyRatesText({ humanHourlyRates: { source, rates } }: Pick<Report, 'humanHourlyRates'>): string {
  if (source === 'report') return `${formatUsd(rates[0]!.usdPerHour)}/h, given for this report instead of the ledger's rates`;
  if (source === 'default') return `${formatUsd(rates[0]!.usdPerHour)}/h, the default (the ledger has no rate: see cpr-meter settings)`;
  if (rates.length === 1) return `${formatUsd(rates[0]!.usdPerHour)}/h (the ledger's rate)`;
  const steps = rates.map((rate) => `${formatUsd(rate.usdPerHour)}/h${rate.from === null ? '' : ` from ${since(rate.from)}`}`);
  return `${steps.join(', ')} (the ledger's rates, each for the work done while it was in effect)`;
}
