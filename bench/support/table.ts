/** Prints benchmark results as aligned text tables. */

/** A cell: a number is printed with `digits` decimals, `null` as an en dash. */
export type Cell = string | number | null;

/** Formats a number with fixed decimals, `–` for null or NaN. */
export function fmt(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Decimals of a column: one number for all, or one per column. */
export type Digits = number | readonly number[];

/** Renders rows under a header, columns aligned (text left, numbers right). */
export function renderTable(title: string, header: readonly string[], rows: readonly Cell[][], digits: Digits = 2): string {
  const decimals = (i: number) => (typeof digits === 'number' ? digits : digits[i] ?? 2);
  const text = rows.map((row) => row.map((cell, i) => (typeof cell === 'number' ? fmt(cell, decimals(i)) : cell ?? '–')));
  const widths = header.map((name, i) => Math.max(name.length, ...text.map((row) => row[i]!.length)));
  const numeric = header.map((_, i) => rows.every((row) => typeof row[i] !== 'string'));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [`\n${title}`, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...text.map(line)].join('\n');
}

/** Prints a table to stdout. */
export function printTable(title: string, header: readonly string[], rows: readonly Cell[][], digits: Digits = 2): void {
  process.stdout.write(`${renderTable(title, header, rows, digits)}\n`);
}
