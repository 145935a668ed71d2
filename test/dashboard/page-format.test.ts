import { describe, expect, it } from 'vitest';
import { formatUsd } from '../../src/reports/format-values.js';
import { hourlyRatesText } from '../../src/reports/hourly-rates-text.js';
import type { Report } from '../../src/reports/types.js';

/*
 * The page cannot import the reports' TypeScript, so assets/dashboard/format.js writes money and
 * the hourly rates by a copy of their rule: held here to the reports' own functions, so that the
 * page reads as the table, CSV and HTML reports do.
 */
interface PageFormat {
  money(value: number | null | undefined): string;
  hourlyRates(report: Partial<Pick<Report, 'humanHourlyRate' | 'humanHourlyRates'>>): string;
}
const page = (await import(new URL('../../assets/dashboard/format.js', import.meta.url).href)) as PageFormat;

describe('the dashboard page writes values as the reports do', () => {
  it('money: the same text as formatUsd for every magnitude and sign', () => {
    const values = [0, 1, -1, 0.4, 0.2051, 0.089, 0.0999, 0.996, 0.99949, 0.0016, 0.00012, 0.0001, 0.00009999, 8e-8, -8e-8, -0.0042,
      1.005, 8.87, 57.64625, 55.5957, 461.17, 1234.5, 1_234_567.891, -1234.5];
    for (let e = -7; e <= 7; e += 1) for (const m of [1, 1.5, 2.345, 4.99, 9.96]) values.push(m * 10 ** e, -m * 10 ** e);
    for (const value of values) expect(page.money(value), String(value)).toBe(formatUsd(value));
    expect(page.money(null)).toBe(formatUsd(null));
    expect(page.money(undefined)).toBe('n/a');
  });

  it('hourly rates: the same text as hourlyRatesText for each source', () => {
    const schedules: Report['humanHourlyRates'][] = [
      { source: 'default', rates: [{ from: null, usdPerHour: 40 }] },
      { source: 'report', rates: [{ from: null, usdPerHour: 62.5 }] },
      { source: 'ledger', rates: [{ from: null, usdPerHour: 55 }] },
      { source: 'ledger', rates: [{ from: null, usdPerHour: 40 }, { from: '2026-10-15T00:00:00.000Z', usdPerHour: 60 },
        { from: '2026-10-20T09:30:00.000Z', usdPerHour: 72.25 }] },
    ];
    for (const humanHourlyRates of schedules) expect(page.hourlyRates({ humanHourlyRates })).toBe(hourlyRatesText({ humanHourlyRates }));
    // A report of an older cpr-meter, with its one rate only.
    expect(page.hourlyRates({ humanHourlyRate: 40 })).toBe('$40.00/h');
  });
});
