import type { CopyTarget } from './copy-target.js';
import type { SequencedSource, SqliteCopySource } from './sqlite-source.js';

/** The parts of a ledger a copy moves, in the order it moves them. */
export const COPY_PARTS = ['settings', 'stage moves', 'events', 'calls'] as const;

/** One of {@link COPY_PARTS}. */
export type CopyPart = (typeof COPY_PARTS)[number];

/** What a copy did with one part. */
export interface PartCount {
  /** Rows in the source. */
  total: number;
  /** Rows written to the target by this run. */
  copied: number;
  /** Rows found in the target already (copied by an earlier run, or there before). */
  skipped: number;
  /** Events whose id the target holds with other content: the target's stands. */
  conflicts: number;
}

/** Where a copy stands, after each batch. */
export interface CopyProgress {
  part: CopyPart;
  /** Rows of every part dealt with so far (copied or skipped), and in all. */
  done: number;
  total: number;
  counts: Record<CopyPart, PartCount>;
}

/** Options of {@link copyLedger}. */
export interface CopyLedgerOptions {
  source: SqliteCopySource;
  target: CopyTarget;
  /** Rows per transaction. Default 2,000. */
  batchSize?: number;
  onProgress?: (progress: CopyProgress) => void;
}

/** What {@link copyLedger} did, part by part, and how long it took. */
export interface CopyResult {
  counts: Record<CopyPart, PartCount>;
  ms: number;
}

const empty = (total: number): PartCount => ({ total, copied: 0, skipped: 0, conflicts: 0 });

/** Rows of a part looked up in the target with one query, when a copy looks for where to resume. */
export const RESUME_CHUNK = 10_000;

/**
 * Where a copy of a part resumes: after the longest run of whole chunks of rows, from the start,
 * that the target holds every row of (one query per chunk of `chunk` keys). An interrupted copy
 * committed its batches in the source's order, so this is where it stopped, give or take a chunk
 * (the rows of that chunk already there are skipped when it is copied again). Rows are counted,
 * not sought by bisection: a later row the target got some other way (an event redelivered to the
 * new fleet) cannot make the copy skip an earlier one it lacks. Returns the position (0: the start).
 */
export async function copiedUpTo(part: SequencedSource<unknown>, countIn: (keys: readonly string[]) => Promise<number>,
  { chunk = RESUME_CHUNK }: { chunk?: number } = {}): Promise<number> {
  let after = 0;
  for (;;) {
    const { items: keys, last } = part.keys(after, chunk);
    if (keys.length === 0 || (await countIn(keys)) < keys.length) return after;
    after = last;
  }
}

/**
 * Copies an embedded ledger into another store (PostgreSQL): its settings, helpdesk stage moves,
 * events (in the order they arrived, so that ties in time resolve as they did) and LLM calls (in
 * the order they were recorded), a batch per transaction. The kept report facts are not copied:
 * the target builds its own at its first report. Safe to run again: it resumes where a copy
 * stopped ({@link copiedUpTo}) and skips what the target has, so nothing is doubled.
 */
export async function copyLedger({ source, target, batchSize = 2_000, onProgress }: CopyLedgerOptions): Promise<CopyResult> {
  const started = performance.now();
  const settings = source.settings();
  const moves = source.stageMoves();
  const counts: Record<CopyPart, PartCount> = {
    settings: empty(settings.length), 'stage moves': empty(moves.length), events: empty(source.events.count()), calls: empty(source.calls.count()),
  };
  const total = COPY_PARTS.reduce((sum, part) => sum + counts[part].total, 0);
  const done = () => COPY_PARTS.reduce((sum, part) => sum + counts[part].copied + counts[part].skipped, 0);
  const report = (part: CopyPart) => onProgress?.({ part, done: done(), total, counts });

  // Settings: a handful of rows; a value already there (same name, same start, same value) is skipped.
  const stored = await target.readSettings();
  for (const setting of settings) {
    const same = stored.some((s) => s.name === setting.name && s.effectiveFrom === setting.effectiveFrom && s.value === setting.value);
    if (same) counts.settings.skipped += 1;
    else {
      await target.writeSetting(setting);
      counts.settings.copied += 1;
    }
  }
  report('settings');

  for (let i = 0; i < moves.length; i += batchSize) {
    const batch = moves.slice(i, i + batchSize);
    const inserted = await target.insertStageMoves(batch);
    counts['stage moves'].copied += inserted;
    counts['stage moves'].skipped += batch.length - inserted;
    report('stage moves');
  }

  let after = await copiedUpTo(source.events, (keys) => target.countEvents(keys));
  counts.events.skipped += source.events.countUpTo(after);
  report('events');
  for (;;) {
    const { items, last } = source.events.read(after, batchSize);
    if (items.length === 0) break;
    const result = await target.recordEvents(items);
    counts.events.copied += result.accepted;
    counts.events.skipped += result.duplicates + result.conflicts.length;
    counts.events.conflicts += result.conflicts.length;
    after = last;
    report('events');
  }

  after = await copiedUpTo(source.calls, (keys) => target.countCalls(keys));
  counts.calls.skipped += source.calls.countUpTo(after);
  report('calls');
  for (;;) {
    const { items, last } = source.calls.read(after, batchSize);
    if (items.length === 0) break;
    const inserted = await target.insertCalls(items);
    counts.calls.copied += inserted;
    counts.calls.skipped += items.length - inserted;
    after = last;
    report('calls');
  }
  return { counts, ms: performance.now() - started };
}
