import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { ValidationError } from '../errors.js';
import { jsonErrorPosition } from '../api/json-error-position.js';
import { validateEvents } from '../tickets/validate-events.js';
import type { CprEvent } from '../tickets/types.js';
import { checkLedgerFile } from '../ledger/sqlite/check-ledger-file.js';
import { DEFAULT_DB_PATH, ledgerPathOf } from './ledger-path.js';
import { eventsAnswer } from '../tickets/events-answer.js';
import { EventWarnings } from '../tickets/unknown-fields.js';
import type { EventWarning } from '../tickets/unknown-fields.js';
import type { CliOutput, TicketCommandDeps } from './report-command.js';

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
 * (1-based) and its field.
 */
export async function readEventLines(
  { file, now, onProgress }: { file: string; now: () => number; onProgress?: (bytes: number) => void },
): Promise<EventLines> {
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

/**
 * Adds `cpr-meter ingest FILE`: imports events from a JSON Lines file with the same validation
 * as `POST /api/events`, all or nothing (a bad line is reported by its number and nothing of
 * the file is stored), with a progress bar on a terminal, and prints `accepted N, duplicates M,
 * conflicts K`, then each conflict (an `eventId` stored before with other content, not stored)
 * and each unknown field (ignored) on stderr, by line.
 */
export function registerIngestCommand(program: Command, deps: TicketCommandDeps): void {
  program
    .command('ingest')
    .description('Import events (tickets, links, handoffs, human work, resolutions, fixed costs) from a JSON Lines file')
    .argument('<file>', 'JSON Lines file, one event a line')
    .option('--db <file>', `SQLite ledger file (env CPR_DB, default ${DEFAULT_DB_PATH})`)
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
      const created = dbPath !== ':memory:' && !existsSync(dbPath);
      if (!created && dbPath !== ':memory:') checkLedgerFile(dbPath);
      const ledger = await deps.openLedger(dbPath);
      if (created) stderr.write(`cpr-meter: created a new ledger at ${dbPath}\n`);
      try {
        const stored = await ledger.recordEvents(read.events);
        const answer = eventsAnswer({ stored, warnings: read.warnings, where: 'line', position: (i) => read.lines[i] });
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
