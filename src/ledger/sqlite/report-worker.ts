/**
 * The code of the report thread (see `report-thread.ts`): its own connection to the ledger file,
 * on which it loads the report inputs the server asks for, so that the proxy's thread never
 * waits for a report. Answers `{ id, input }` or `{ id, error }` to each `{ id, options }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ReportInputOptions } from '../ticket-ledger.js';
import { openSqliteLedger } from './sqlite-ledger.js';

const { path, busyTimeoutMs } = workerData as { path: string; busyTimeoutMs: number };
// The server opened (and migrated) the file: a missing one is an error here, not a new ledger.
const ledger = openSqliteLedger({ path, busyTimeoutMs, fileMustExist: true });

parentPort!.on('message', ({ id, options }: { id: number; options: ReportInputOptions }) => {
  ledger.reportInput(options).then(
    (input) => parentPort!.postMessage({ id, input }),
    (error: unknown) => {
      const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
      parentPort!.postMessage({ id, error: { message: String(message ?? error), code: typeof code === 'string' ? code : undefined } });
    },
  );
});
