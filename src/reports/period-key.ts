/** A period a report can be grouped by. */
export type Period = 'day' | 'week' | 'month';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * The UTC period a moment falls in, as a sortable key: day `2026-11-02`, ISO 8601 week
 * `2026-W45` (weeks start on Monday; the year is the ISO week-year, so 2027-01-01 is in
 * `2026-W53`), month `2026-11`.
 *
 * @example
 * periodKey(Date.UTC(2026, 10, 2), 'week'); // '2026-W45'
 */
export function periodKey(ms: number, period: Period): string {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + 1;
  if (period === 'day') return `${year}-${pad(month)}-${pad(date.getUTCDate())}`;
  if (period === 'month') return `${year}-${pad(month)}`;
  // ISO week: the week containing the Thursday of this week belongs to that Thursday's year.
  const day = date.getUTCDay() || 7; // Monday 1 … Sunday 7
  const thursday = Date.UTC(year, month - 1, date.getUTCDate() + 4 - day);
  const weekYear = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(weekYear, 0, 1)) / 86_400_000 / 7) + 1;
  return `${weekYear}-W${pad(week)}`;
}
