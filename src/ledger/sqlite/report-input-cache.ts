import type { Database } from 'better-sqlite3';
import type { ReportInput } from '../../reports/types.js';
import type { ReportInputOptions } from '../ticket-ledger.js';
import { perConnection } from './per-connection.js';
import { loadReportInput } from './ticket-store.js';

/** How many windows' inputs are kept (a dashboard asks for a window and the one before it, grouped several ways). */
const CAPACITY = 8;

const statements = perConnection((db) => ({
  watermark: db.prepare(`SELECT (SELECT IFNULL(MAX(rowid), 0) FROM llm_calls) || ':' || (SELECT IFNULL(MAX(seq), 0) FROM events)
    || ':' || (SELECT generation FROM report_cache_state)
    || ':' || (SELECT COUNT(*) || '/' || IFNULL(MAX(set_at), 0) || '/' || TOTAL(value) FROM ledger_settings)`).pluck(),
}));

/** Report inputs of one connection, reused while the ledger has not changed. */
export interface ReportInputCache {
  /** What `loadReportInput` gives for `options`: from the cache when no call or event was recorded, changed or deleted since. */
  reportInput(options: ReportInputOptions): ReportInput;
}

/**
 * Keeps the report inputs of the last few windows, keyed by window and hourly rate, and valid
 * while the ledger's watermarks (last call rowid, last event seq, the generation that
 * `reprice` and `prune` bump, and the settings: hourly rates, the human baseline) are unchanged: the dashboard asks for the same window's report
 * grouped several ways and for its tickets' shares, and pays for reading the window once.
 *
 * @example
 * const cache = createReportInputCache(db);
 * computeReport(cache.reportInput({ window, humanHourlyRate: 40 }), { groupBy: 'day' });
 */
export function createReportInputCache(db: Database): ReportInputCache {
  const kept = new Map<string, { watermark: string; input: ReportInput }>();
  return {
    reportInput(options) {
      // A report grouped by customer reads its kept tickets summed by customer too.
      const key = `${options.window.from}:${options.window.to}:${options.humanHourlyRate}:${options.groupBy === 'customer'}`;
      const watermark = statements(db).watermark.get() as string;
      const hit = kept.get(key);
      if (hit !== undefined && hit.watermark === watermark) {
        kept.delete(key);
        kept.set(key, hit);
        return hit.input;
      }
      // Read after the watermark: an input newer than its key is only recomputed next time.
      const input = loadReportInput(db, options);
      kept.delete(key);
      kept.set(key, { watermark, input });
      if (kept.size > CAPACITY) kept.delete(kept.keys().next().value!);
      return input;
    },
  };
}
