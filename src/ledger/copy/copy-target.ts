import type { CprEvent } from '../../tickets/types.js';
import type { LedgerSetting } from '../settings.js';
import type { RecordEventsResult } from '../ticket-ledger.js';
import type { LlmCall } from '../types.js';
import type { StageMoveRow } from './sqlite-source.js';

/**
 * What a copy needs of the ledger it writes to. Every write is one transaction and skips what is
 * there already (by call id, event id, setting name and time, stage move key), so that a copy run
 * again, after a crash or to completion, doubles nothing.
 */
export interface CopyTarget {
  /** How many of these call ids are stored. */
  countCalls(ids: readonly string[]): Promise<number>;
  /** How many of these event ids are stored. */
  countEvents(eventIds: readonly string[]): Promise<number>;
  /** Stores the calls not stored yet, in one transaction; returns how many it stored. */
  insertCalls(calls: readonly LlmCall[]): Promise<number>;
  /** Stores events as the ledger's `recordEvents` does (one transaction, known ids skipped). */
  recordEvents(events: CprEvent[]): Promise<RecordEventsResult>;
  readSettings(): Promise<LedgerSetting[]>;
  writeSetting(setting: LedgerSetting): Promise<void>;
  /** Stores the stage moves not stored yet; returns how many it stored. */
  insertStageMoves(moves: readonly StageMoveRow[]): Promise<number>;
  close(): Promise<void>;
}
