/**
 * How reports write values for people: money with `$` and as many decimals as a small amount
 * needs, rates as percentages, `n/a` for a figure that has no value (a ratio over 0).
 */

/** Shown for `null` (a ratio whose denominator is 0, a cost that is unknown). */
export const NOT_AVAILABLE = 'n/a';

/**
 * `$1,234.56`; amounts under a dollar keep up to four decimals (`$0.40`, `$0.0042`), and tiny ones two
 * significant digits (`$0.000012`), so that per-call LLM costs do not all read `$0.00`.
 */
export function formatUsd(usd: number | null): string {
  if (usd === null) return NOT_AVAILABLE;
  const abs = Math.abs(usd);
  const sign = usd < 0 ? '-' : '';
  if (abs === 0) return '$0.00';
  if (abs >= 1) return `${sign}$${abs.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  if (abs >= 0.0001) return `${sign}$${abs.toFixed(4).replace(/(\.\d\d\d*?)0+$/, '$1')}`;
  return `${sign}$${abs.toPrecision(2)}`;
}

/** `62.5%`, or `n/a`. */
export function formatRate(rate: number | null): string {
  return rate === null ? NOT_AVAILABLE : `${(rate * 100).toFixed(1)}%`;
}

/** `1,234,567`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** The window as people read it: `2026-10-01 00:00 UTC → 2026-11-01 00:00 UTC`. */
export function formatWindow(window: { from: string; to: string }): string {
  const short = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  return `${short(window.from)} → ${short(window.to)}`;
}

/**
 * Text from input made safe to print in a terminal: each control character (C0, DEL, C1) is
 * shown as its `\uXXXX` escape, so a model name cannot move the cursor, recolour or clear the screen.
 *
 * @example
 * printable('gpt\u001b[2J'); // 'gpt\\u001b[2J'
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
