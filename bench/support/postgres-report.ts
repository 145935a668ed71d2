/**
 * The report over 1,000,000 calls (the report benchmark's generated ledger, 100,000 with
 * `--quick`), SQLite and PostgreSQL side by side: the generated SQLite ledger is moved into
 * PostgreSQL with `cpr-meter copy`'s own code (timed: the rows per second of a move), then each
 * report is timed through the CLI's path (open the ledger, `buildReport`, close): the first a
 * ledger gets (its kept facts forgotten), warm, grouped by category, day and customer, and after
 * 10,000 new calls on 2,000 tickets (the same activity written to both).
 */
import { copyFileSync } from 'node:fs';
import type * as BuildReport from '../../src/reports/build-report.js';
import type * as OpenLedgerModule from '../../src/ledger/open-ledger.js';
import type * as SqliteLedgerModule from '../../src/ledger/sqlite/sqlite-ledger.js';
import type * as TicketStore from '../../src/ledger/sqlite/ticket-store.js';
import type * as CopyLedger from '../../src/ledger/copy/copy-ledger.js';
import type * as CopySource from '../../src/ledger/copy/sqlite-source.js';
import type * as CopyTarget from '../../src/ledger/copy/postgres-copy-target.js';
import type { PostgresLedger } from '../../src/ledger/postgres/postgres-ledger.js';
import type { SqliteLedger } from '../../src/ledger/sqlite/sqlite-ledger.js';
import type { LlmCall } from '../../src/ledger/types.js';
import type { CprEvent } from '../../src/tickets/types.js';
import { importBuilt } from './build.js';
import { GENERATED_WINDOW, generateActivity } from './generate-ledger.js';
import { ensureReportLedger } from './report-ledger.js';
import { scratchDir } from './scratch.js';

export const REPORT_VARIANTS = ['first report of the ledger', 'full', 'group-by category', 'group-by day', 'group-by customer', 'full, after 10,000 new calls'] as const;
export type ReportVariant = (typeof REPORT_VARIANTS)[number];
const GROUP_BY: Partial<Record<ReportVariant, 'category' | 'day' | 'customer'>> = {
  'group-by category': 'category', 'group-by day': 'day', 'group-by customer': 'customer',
};
const NEW_ACTIVITY = { calls: 10_000, tickets: 2_000 };

/** One timed report. */
export interface ReportTiming {
  totalMs: number;
  openMs: number;
  llmCalls: number;
}

/** Prepares both ledgers (generating and copying as needed) and returns what times their reports. */
export async function prepareReportLedgers({ quick, postgresUrl, log }: { quick: boolean; postgresUrl: string; log: (line: string) => void }) {
  const { openSqliteLedger } = await importBuilt<typeof SqliteLedgerModule>('ledger/sqlite/sqlite-ledger.js');
  const { openLedger } = await importBuilt<typeof OpenLedgerModule>('ledger/open-ledger.js');
  const { insertEvents } = await importBuilt<typeof TicketStore>('ledger/sqlite/ticket-store.js');
  const { buildReport } = await importBuilt<typeof BuildReport>('reports/build-report.js');
  const { copyLedger } = await importBuilt<typeof CopyLedger>('ledger/copy/copy-ledger.js');
  const { SqliteCopySource } = await importBuilt<typeof CopySource>('ledger/copy/sqlite-source.js');
  const { postgresCopyTarget } = await importBuilt<typeof CopyTarget>('ledger/copy/postgres-copy-target.js');

  const { path, counts } = await ensureReportLedger({ quick, name: 'postgres' });
  const scratch = scratchDir('postgres-report');
  const sqlitePath = scratch.file('ledger.db');
  copyFileSync(path, sqlitePath);

  // The move into PostgreSQL, as `cpr-meter copy` does it.
  const source = new SqliteCopySource(sqlitePath);
  const target = postgresCopyTarget((await openLedger(postgresUrl)) as PostgresLedger);
  let lastLine = 0;
  const copied = await copyLedger({
    source, target, batchSize: 5_000,
    onProgress: (p) => {
      if (performance.now() - lastLine < 5_000) return;
      lastLine = performance.now();
      log(`  copy: ${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} rows`);
    },
  });
  source.close();
  await target.close();
  const rows = Object.values(copied.counts).reduce((sum, c) => sum + c.copied, 0);
  const copy = { rows, seconds: copied.ms / 1000, rowsPerSecond: rows / (copied.ms / 1000), counts: copied.counts };
  log(`  copied ${rows.toLocaleString('en-US')} rows into PostgreSQL in ${copy.seconds.toFixed(1)} s (${Math.round(copy.rowsPerSecond).toLocaleString('en-US')} rows/s)`);

  let batches = 0;
  const reportOptions = { from: new Date(GENERATED_WINDOW.from).toISOString(), to: new Date(GENERATED_WINDOW.to).toISOString() };

  /** The same new activity for both stores (one seed per round). */
  const newActivity = (seed: number) => {
    const calls: LlmCall[] = [];
    const events: CprEvent[] = [];
    const collector = { recordCallsSync: (rows: readonly LlmCall[]) => calls.push(...rows) } as unknown as SqliteLedger;
    generateActivity(collector, (e) => events.push(...e), { ...NEW_ACTIVITY, ticketCount: counts.tickets, seed });
    return { calls, events };
  };

  const measure = async (store: 'SQLite' | 'PostgreSQL', variant: ReportVariant, seed: number): Promise<ReportTiming> => {
    const db = store === 'SQLite' ? sqlitePath : postgresUrl;
    if (variant === 'first report of the ledger' || variant === 'full, after 10,000 new calls') {
      const ledger = await openLedger(db);
      if (variant === 'first report of the ledger') {
        // Forget the kept facts, as each store does when a call is changed: the next report folds everything.
        if (store === 'SQLite') (ledger as SqliteLedger).db.exec('UPDATE report_cache_state SET calls_rowid = NULL');
        else await (ledger as PostgresLedger).query('forgetting the kept facts', 'UPDATE report_cache_state SET generation = generation + 1');
      } else {
        const { calls, events } = newActivity(seed);
        if (store === 'SQLite') {
          (ledger as SqliteLedger).recordCallsSync(calls);
          insertEvents((ledger as SqliteLedger).db, events);
          (ledger as SqliteLedger).db.pragma('wal_checkpoint(PASSIVE)');
        } else {
          for (let i = 0; i < calls.length; i += 5_000) await ledger.recordBatch({ calls: calls.slice(i, i + 5_000), events: [] });
          await ledger.recordEvents(events);
        }
      }
      await ledger.close();
    }
    const t0 = performance.now();
    const ledger = store === 'SQLite' ? openSqliteLedger({ path: sqlitePath }) : await openLedger(postgresUrl);
    const opened = performance.now();
    const report = await buildReport(ledger, { options: { ...reportOptions, groupBy: GROUP_BY[variant] }, humanHourlyRate: 40 });
    const totalMs = performance.now() - t0;
    await ledger.close();
    return { totalMs, openMs: opened - t0, llmCalls: report.totals.llmCalls };
  };

  return {
    counts, copy,
    /** One report of `variant` from each store; new activity (the same for both) written first when the variant asks. */
    measureBoth: async (variant: ReportVariant) => {
      const seed = variant === 'full, after 10,000 new calls' ? (batches += 1) : 0;
      return { SQLite: await measure('SQLite', variant, seed), PostgreSQL: await measure('PostgreSQL', variant, seed) };
    },
    remove: () => scratch.remove(),
  };
}
