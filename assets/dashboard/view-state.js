// The view, in the URL so that it can be shared: the window (a period or from/to), the trend's
// interval, the breakdown's grouping, the ticket list's filters, sort and page, the open ticket.
const DAY = 86_400_000;
const KEYS = ['period', 'from', 'to', 'interval', 'groupBy', 'path', 'category', 'channel', 'customer', 'sort', 'order', 'offset', 'ticket'];

/** The view as the URL says, with defaults: the last 30 days, by day, by category, costliest tickets first. */
export function readView() {
  const params = new URLSearchParams(location.search);
  const view = Object.fromEntries(KEYS.map((key) => [key, params.get(key) ?? '']));
  if (view.from === '' || view.to === '') view.period ||= '30d';
  view.interval ||= 'day';
  view.groupBy ||= 'category';
  view.sort ||= 'cost';
  view.order ||= 'desc';
  view.offset = Number(view.offset) || 0;
  return view;
}

/** Writes the view into the URL (replacing the history entry: the back button leaves the dashboard). */
export function writeView(view) {
  const params = new URLSearchParams();
  for (const key of KEYS) {
    const value = view[key];
    if (value === '' || value === null || value === undefined || (key === 'offset' && value === 0)) continue;
    if (view.period && (key === 'from' || key === 'to')) continue;
    params.set(key, String(value));
  }
  history.replaceState(null, '', `${location.pathname}?${params}`);
}

const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

/** The window `[from, to)` of the view, as UTC dates: periods end with today (included). */
export function windowOf(view, now = Date.now()) {
  if (!view.period) return { from: view.from, to: view.to, label: `${view.from} to ${view.to} (exclusive)` };
  const today = Math.floor(now / DAY) * DAY;
  const to = today + DAY;
  const start = new Date(today);
  const from = view.period === 'mtd' ? Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1)
    : to - { '7d': 7, '30d': 30, '90d': 90 }[view.period] * DAY;
  const label = { '7d': 'Last 7 days', '30d': 'Last 30 days', '90d': 'Last 90 days', mtd: 'Month to date' }[view.period];
  return { from: isoDay(from), to: isoDay(to), label: `${label}: ${isoDay(from)} to ${isoDay(to - DAY)}` };
}

/** The previous window's label: the same length, just before. */
export function previousLabel(report) {
  const from = Date.parse(report.previous.window.from);
  const to = Date.parse(report.previous.window.to);
  return `${isoDay(from)} to ${isoDay(to - DAY)}`;
}
