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

/**
 * How far an earlier copy of a part got. Each batch is one transaction, written in the source's
 * order, so what the target holds of a part is a prefix of it: the last row it holds is found by
 * bisection on the source's positions, about 20 lookups for a million rows, and the copy resumes
 * right after it. Returns that position (0: nothing copied yet).
 */
export async function copiedPrefix(part: SequencedSource<unknown>, has: (key: string) => Promise<boolean>): Promise<number> {
  let low = 0; // every row at or before `low` is in the target
  let high = part.maxPosition(); // no row after `high` is
  while (low < high) {
    const middle = Math.floor((low + high + 1) / 2);
    const row = part.lastUpTo(middle, low);
    if (row === null || (await has(row.key))) low = middle; // (no row in (low, middle]: nothing to learn, move on)
    else high = row.position - 1;
  }
  return low;
}

/**
 * Copies an embedded ledger into another store (PostgreSQL): its settings, helpdesk stage moves,
 * events (in the order they arrived, so that ties in time resolve as they did) and LLM calls (in
 * the order they were recorded), a batch per transaction. The kept report facts are not copied:
 * the target builds its own at its first report. Safe to run again: it resumes where a copy
 * stopped ({@link copiedPrefix}) and skips what the target has, so nothing is doubled.
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

  let after = await copiedPrefix(source.events, (key) => target.hasEvent(key));
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

  after = await copiedPrefix(source.calls, (key) => target.hasCall(key));
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
