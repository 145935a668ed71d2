// How numbers read on the page: money in USD, rates in %, changes against the previous window.

const count = new Intl.NumberFormat('en-US');

/**
 * Money by the reports' one rule (`formatUsd` of src/reports/format-values.ts, which
 * test/dashboard/page-format.test.ts holds this to): cents from a dollar up (`$1,234.50`); under a
 * dollar, two significant digits and at least cents (`$0.40`, `$0.089`, `$0.0016`); under $0.0001,
 * `<$0.0001`. `null` or missing is `n/a`.
 */
export function money(value) {
  if (value === null || value === undefined) return 'n/a';
  const abs = Math.abs(value);
  const sign = value < 0 ? '-' : '';
  if (abs === 0) return '$0.00';
  if (abs < 0.0001) return value < 0 ? '>-$0.0001' : '<$0.0001';
  // Rounded first, so that 0.0999 reads $0.10 and 0.996 reads $1.00.
  const rounded = abs < 1 ? Number(abs.toPrecision(2)) : abs;
  if (rounded >= 1) return `${sign}$${rounded.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  return `${sign}$${rounded.toFixed(Math.max(2, 1 - Math.floor(Math.log10(rounded))))}`;
}

/** `2026-01-01` for a UTC midnight, else `2026-01-01 09:30 UTC`. */
function since(iso) {
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * The hourly rate(s) the report priced human work without an amount at, and where they come
 * from, as every report format says it (`hourlyRatesText` of src/reports/hourly-rates-text.ts).
 * A report without `humanHourlyRates` (an older cpr-meter) has its one rate.
 */
export function hourlyRates(report) {
  if (report.humanHourlyRates === undefined) return `${money(report.humanHourlyRate)}/h`;
  const { source, rates } = report.humanHourlyRates;
  if (source === 'report') return `${money(rates[0].usdPerHour)}/h, given for this report instead of the ledger's rates`;
  if (source === 'default') return `${money(rates[0].usdPerHour)}/h, the default (the ledger has no rate: see cpr-meter settings)`;
  if (rates.length === 1) return `${money(rates[0].usdPerHour)}/h (the ledger's rate)`;
  const steps = rates.map((rate) => `${money(rate.usdPerHour)}/h${rate.from === null ? '' : ` from ${since(rate.from)}`}`);
  return `${steps.join(', ')} (the ledger's rates, each for the work done while it was in effect)`;
}

/** `45.0%`; `null` is `n/a`. */
export function percent(value) {
  return value === null || value === undefined ? 'n/a' : `${(value * 100).toFixed(1)}%`;
}

export function integer(value) {
  return value === null || value === undefined ? 'n/a' : count.format(value);
}

/**
 * The change of a figure against the previous window: relative for money and counts (`+12.3%`),
 * in points for rates (`+4.0 pts`). `tone` is `good`, `bad` or `flat` given which way is better.
 */
export function change(current, previous, { kind, better }) {
  if (current === null || current === undefined || previous === null || previous === undefined) return { text: 'no comparison', tone: 'flat' };
  const delta = current - previous;
  let text;
  if (kind === 'rate') text = `${delta >= 0 ? '+' : '−'}${Math.abs(delta * 100).toFixed(1)} pts`;
  else if (previous === 0) text = delta === 0 ? '±0%' : 'new';
  else text = `${delta >= 0 ? '+' : '−'}${Math.abs((delta / Math.abs(previous)) * 100).toFixed(1)}%`;
  const tone = Math.abs(delta) < 1e-9 || better === undefined ? 'flat' : (delta > 0) === (better === 'higher') ? 'good' : 'bad';
  return { text, tone };
}

/** `2026-10-15 16:00` (UTC). */
export function time(iso) {
  return iso.slice(0, 16).replace('T', ' ');
}

/** Builds an element: `el('td', { class: 'num' }, '12')`. Children are nodes or text; never HTML. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}
