// How numbers read on the page: money in USD, rates in %, changes against the previous window.

const usd2 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const usd4 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 4, maximumFractionDigits: 4 });
const count = new Intl.NumberFormat('en-US');

/** `$1,234.57`; amounts under a dollar keep 4 decimals (`$0.0016`); `null` or missing is `n/a`. */
export function money(value) {
  if (value === null || value === undefined) return 'n/a';
  return Math.abs(value) < 1 && value !== 0 ? usd4.format(value) : usd2.format(value);
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
