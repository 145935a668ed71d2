import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { ValidationError } from '../errors.js';
import { jsonErrorPosition } from '../api/json-error-position.js';
import { validateEvents } from '../tickets/validate-events.js';
import type { CprEvent } from '../tickets/types.js';
import { checkLedgerFile } from '../ledger/sqlite/check-ledger-file.js';
import { DB_OPTION_HELP, ledgerPathOf } from './ledger-path.js';
import { openCommandLedger } from './command-ledger.js';
import { isPostgresUrl } from './ledger-target.js';
import { eventsAnswer } from '../tickets/events-answer.js';
import { EventWarnings } from '../tickets/unknown-fields.js';
import type { EventWarning } from '../tickets/unknown-fields.js';
import type { CliOutput, TicketCommandDeps } from './report-command.js';
import type { RecordEventsResult, TicketLedger } from '../ledger/ticket-ledger.js';

/** How long one ingest transaction may hold the write lock, ms (the proxy waits up to 100 ms for it). */
const TRANSACTION_MS = 40;
/** The pause between two transactions, ms: longer than the 25 ms between a waiting writer's tries for the lock. */
const PAUSE_MS = 30;

/** The SHA-256 of a file's bytes, hex: the identity of its lines without an `eventId`. */
async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The events of a file, the line of each, and the warnings about their unknown fields (by line). */
export interface EventLines {
  events: CprEvent[];
  /** `lines[i]`: the 1-based line of `events[i]`. */
  lines: number[];
  warnings: EventWarning[];
}

/**
 * Reads and validates a JSON Lines file of events (one event a line, blank lines skipped),
 * all of it before anything is stored. Throws a `ValidationError` naming the first bad line
 * (1-based) and its field. An event without an `eventId` gets `ingest:<first 24 hex digits of
 * the file's SHA-256>:<line>`: the same file ingested again (after a crash, say) doubles nothing.
 */
export async function readEventLines(
  { file, now, onProgress }: { file: string; now: () => number; onProgress?: (bytes: number) => void },
): Promise<EventLines> {
  const digest = (await fileDigest(file)).slice(0, 24);
  const events: CprEvent[] = [];
  const eventLines: number[] = [];
  const warnings = new EventWarnings('line');
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  const receivedAt = now();
  let lineNumber = 0;
  let bytes = 0;
  for await (const read of lines) {
    lineNumber += 1;
    bytes += Buffer.byteLength(read) + 1;
    // A file saved by Excel or PowerShell starts with a byte-order mark, which JSON.parse refuses.
    const line = lineNumber === 1 ? read.replace(/^\uFEFF/, '') : read;
    onProgress?.(bytes);
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      const at = jsonErrorPosition(line);
      throw new ValidationError(`${file} line ${lineNumber}: malformed JSON${at === null ? '' : ` at column ${at.column}`}.`,
        { index: lineNumber });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ValidationError(`${file} line ${lineNumber}: expected one event (a JSON object) per line.`, { index: lineNumber });
    }
    const object = value as Record<string, unknown>;
    if (object.eventId === undefined || object.eventId === null) object.eventId = `ingest:${digest}:${lineNumber}`;
    const result = validateEvents(value, { now: () => receivedAt, warnings, position: lineNumber });
    if (!result.ok) {
      throw new ValidationError(`${file} line ${lineNumber}: ${result.error.message}`,
        { index: lineNumber, field: result.error.field });
    }
    events.push(...result.events);
    eventLines.push(lineNumber);
  }
  return { events, lines: eventLines, warnings: warnings.list() };
}

/** Counts of the transactions committed so far; conflicts indexed in the whole list of events. */
interface Committed extends RecordEventsResult {
  events: number;
}

/**
 * Stores validated events in transactions that each hold the write lock for about
 * {@link TRANSACTION_MS} (sized from the last one's pace), pausing {@link PAUSE_MS} between
 * them so that a proxy waiting for the lock gets it. Calls `onCommit` after each commit, before
 * the next begins.
 */
export async function storeInBoundedTransactions(
  { ledger, events, onCommit }: { ledger: TicketLedger; events: readonly CprEvent[]; onCommit: (committed: Committed) => void },
): Promise<Committed> {
  const committed: Committed = { events: 0, accepted: 0, duplicates: 0, conflicts: [] };
  let size = 200;
  while (committed.events < events.length) {
    if (committed.events > 0) await sleep(PAUSE_MS);
    const slice = events.slice(committed.events, committed.events + size);
    const t0 = performance.now();
    const { accepted, duplicates, conflicts } = await ledger.recordEvents(slice as CprEvent[]);
    const ms = performance.now() - t0;
    for (const conflict of conflicts) committed.conflicts.push({ ...conflict, index: conflict.index + committed.events });
    committed.events += slice.length;
    committed.accepted += accepted;
    committed.duplicates += duplicates;
    onCommit({ ...committed, conflicts: [...committed.conflicts] });
    // The next transaction sized to the pace of this one, growing at most fourfold at a time.
    size = Math.max(50, Math.min(size * 4, Math.floor((slice.length * TRANSACTION_MS) / Math.max(ms, 1))));
  }
  return committed;
}

/**
 * Adds `cpr-meter ingest FILE`: imports events from a JSON Lines file with the same validation
 * as `POST /api/events`. The whole file is validated before anything is stored (a bad line is
 * reported by its number and nothing of the file is stored); then it is committed in short
 * transactions, so that a running proxy never waits long for the ledger. After each commit but
 * the last it prints `committed N of T events so far (accepted A, duplicates D)`, at the end
 * `accepted N, duplicates M, conflicts K`, then each conflict (an `eventId` stored before with
 * other content, not stored) and each unknown field (ignored) on stderr, by line; lines without an `eventId` get one from the file and line, so
 * running it again after a crash completes the import without doubling anything.
 */
export function registerIngestCommand(program: Command, deps: TicketCommandDeps): void {
  program
    .command('ingest')
    .description('Import events (tickets, links, handoffs, human work, resolutions, fixed costs) from a JSON Lines file')
    .argument('<file>', 'JSON Lines file, one event a line')
    .option('--db <ledger>', DB_OPTION_HELP)
    .action(async (file: string, options: { db?: string }) => {
      const env = deps.env ?? process.env;
      const stdout = deps.stdout ?? process.stdout;
      const stderr = deps.stderr ?? process.stderr;
      const total = sizeOfInput(file);
      const bar = stderr.isTTY === true ? progressBar(stderr, total) : null;
      let read: EventLines;
      try {
        read = await readEventLines({ file, now: deps.now ?? Date.now, onProgress: bar ? (b) => bar.update(Math.min(b, total)) : undefined });
      } finally {
        bar?.stop();
      }
      const dbPath = ledgerPathOf(options.db, env);
      // Events may come before the proxy's first call, so ingest creates a missing ledger, and says so.
      const isFile = dbPath !== ':memory:' && !isPostgresUrl(dbPath);
      const created = isFile && !existsSync(dbPath);
      if (isFile && !created) checkLedgerFile(dbPath);
      const ledger = await openCommandLedger(dbPath, deps.openLedger);
      if (created) stderr.write(`cpr-meter: created a new ledger at ${dbPath}\n`);
      try {
        const total = read.events.length;
        // Written as soon as each transaction commits: an ingest killed at any moment has said
        // what it committed (and a rerun of the same file completes it, doubling nothing).
        const stored = await storeInBoundedTransactions({
          ledger, events: read.events,
          onCommit: (done) => {
            if (done.events < total) stdout.write(`committed ${done.events} of ${total} events so far (accepted ${done.accepted}, duplicates ${done.duplicates})\n`);
          },
        });
        const answer = eventsAnswer({ stored, warnings: read.warnings, where: 'line', position: (i) => read.lines[i] ?? null });
        stdout.write(`accepted ${answer.accepted}, duplicates ${answer.duplicates}, conflicts ${answer.conflicts.length}\n`);
        for (const conflict of answer.conflicts) stderr.write(`cpr-meter: conflict: ${file} ${conflict.message}\n`);
        for (const warning of answer.warnings) stderr.write(`cpr-meter: warning: ${file} ${warning.message}\n`);
      } finally {
        await ledger.close();
      }
    });
}

/** The size of the events file, or a `ValidationError` naming it when it cannot be read. */
function sizeOfInput(file: string): number {
  let stats;
  try {
    stats = statSync(file);
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message;
    throw new ValidationError(`Cannot read ${file}: ${reason}.`, { field: 'file', cause });
  }
  if (!stats.isFile()) throw new ValidationError(`Cannot read ${file}: it is not a file.`, { field: 'file' });
  return stats.size;
}

function progressBar(stream: CliOutput, total: number): SingleBar {
  const bar = new SingleBar({
    stream: stream as NodeJS.WritableStream,
    format: 'ingest [{bar}] {percentage}% | {value}/{total} bytes',
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(total, 0);
  return bar;
}
