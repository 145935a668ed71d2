/**
 * How reports write values for people: money with `$` by one rule of significant digits
 * ({@link formatUsd}), rates as percentages, `n/a` for a figure that has no value (a ratio over 0).
 */

/** Shown for `null` (a ratio whose denominator is 0, a cost that is unknown). */
export const NOT_AVAILABLE = 'n/a';

/** Below this, an amount is shown as `<$0.0001`: more digits would be noise to a reader. */
const TINY_USD = 0.0001;

/**
 * Money for people, by one rule: cents from a dollar up (`$1,234.50`, `$8.87`); under a dollar,
 * two significant digits and at least cents (`$0.40`, `$0.21`, `$0.089`, `$0.0016`, `$0.00012`),
 * so that per-call LLM costs do not all read `$0.00`; under $0.0001, `<$0.0001`. `n/a` for `null`.
 *
 * @example
 * [0.2051, 0.089, 8e-8].map(formatUsd); // ['$0.21', '$0.089', '<$0.0001']
 */
export function formatUsd(usd: number | null): string {
  if (usd === null) return NOT_AVAILABLE;
  const abs = Math.abs(usd);
  const sign = usd < 0 ? '-' : '';
  if (abs === 0) return '$0.00';
  if (abs < TINY_USD) return usd < 0 ? '>-$0.0001' : '<$0.0001';
  // Rounded first, so that 0.0999 reads $0.10 and 0.996 reads $1.00, not $0.100 or $1.0.
  const rounded = abs < 1 ? Number(abs.toPrecision(2)) : abs;
  if (rounded >= 1) return `${sign}$${rounded.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const decimals = Math.max(2, 1 - Math.floor(Math.log10(rounded)));
  return `${sign}$${rounded.toFixed(decimals)}`;
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
