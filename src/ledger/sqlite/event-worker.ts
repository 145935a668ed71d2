/**
 * The code of the event thread (see `event-thread.ts`): its own connection to the ledger file, on
 * which it parses, validates and stores event batches, so that the proxy's thread never does.
 * Answers `{ id, result }` or `{ id, error }` to `{ id, events }` (validated events) and to
 * `{ id, body, receivedAt }` (the raw body of `POST /api/events`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseEventsBody, storeEvents, type ParsedEvents } from '../../api/parse-events-body.js';
import type { CprEvent } from '../../tickets/types.js';
import { openSqliteLedger } from './sqlite-ledger.js';

const { path, busyTimeoutMs } = workerData as { path: string; busyTimeoutMs: number };
// The server opened (and migrated) the file: a missing one is an error here, not a new ledger.
const ledger = openSqliteLedger({ path, busyTimeoutMs, fileMustExist: true });
const decoder = new TextDecoder();

type Message = { id: number; events?: CprEvent[]; body?: Uint8Array; receivedAt?: number };

parentPort!.on('message', ({ id, events, body, receivedAt }: Message) => {
  let parsed: ParsedEvents | undefined;
  try {
    if (events === undefined) parsed = parseEventsBody(decoder.decode(body), { receivedAt: receivedAt! });
  } catch (error) {
    return void parentPort!.postMessage({ id, error: describe(error) });
  }
  // Validated events get the ledger's counts; a raw body gets the API's whole answer.
  (parsed === undefined ? ledger.recordEvents(events!) : storeEvents(ledger, parsed)).then(
    (result) => parentPort!.postMessage({ id, result }),
    (error: unknown) => parentPort!.postMessage({ id, error: describe(error) }),
  );
});

/** An error as plain data: structured clone keeps no class. */
function describe(error: unknown): Record<string, unknown> {
  const { name, message, code, field, index, limitBytes } = (error ?? {}) as Record<string, unknown>;
  return { name, message: String(message ?? error), code: typeof code === 'string' ? code : undefined, field, index, limitBytes };
}
