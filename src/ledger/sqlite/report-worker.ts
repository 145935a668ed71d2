/**
 * The code of the report thread (see `report-thread.ts`): its own connection to the ledger file,
 * on which it loads the report inputs the server asks for, so that the proxy's thread never
 * waits for a report. Answers `{ id, result }` or `{ id, error }` to each `{ id, method, options }`
 * (`method`: `reportInput`, the default, `ticketPage` or `ticketTimeline`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ReportInputOptions } from '../ticket-ledger.js';
import { openSqliteLedger } from './sqlite-ledger.js';
import { createSqliteTicketExplorer } from './sqlite-ticket-explorer.js';

const { path, busyTimeoutMs } = workerData as { path: string; busyTimeoutMs: number };
// The server opened (and migrated) the file: a missing one is an error here, not a new ledger.
const ledger = openSqliteLedger({ path, busyTimeoutMs, fileMustExist: true });

// Report inputs are cached per window while the ledger is unchanged; the dashboard's ticket pages and timelines share them.
const explorer = createSqliteTicketExplorer(ledger.db);
type Method = 'reportInput' | 'ticketPage' | 'ticketTimeline';

parentPort!.on('message', ({ id, method = 'reportInput', options }: { id: number; method?: Method; options: ReportInputOptions }) => {
  (explorer[method] as (options: ReportInputOptions) => Promise<unknown>)(options).then(
    (result) => parentPort!.postMessage({ id, result }),
    (error: unknown) => {
      const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
      parentPort!.postMessage({ id, error: { message: String(message ?? error), code: typeof code === 'string' ? code : undefined } });
    },
  );
});
