/** A column of {@link renderTextTable}: its header and whether values align right (numbers). */
export interface TextColumn {
  header: string;
  align?: 'left' | 'right';
}

/**
 * Renders rows as a plain-text table with padded columns and a rule under the header.
 *
 * @example
 * renderTextTable([{ header: 'model' }, { header: 'calls', align: 'right' }], [['gpt-4o', '12']]);
 */
export function renderTextTable(columns: readonly TextColumn[], rows: readonly string[][]): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => (c.align === 'right' ? (cells[i] ?? '').padStart(widths[i]) : (cells[i] ?? '').padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
