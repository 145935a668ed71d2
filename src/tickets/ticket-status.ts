import type { Resolver } from './types.js';

/**
 * One change of a ticket's status timeline. A `linked` change is a link of a conversation to
 * the ticket: the first link of each conversation, when the ticket is resolved at that moment,
 * is a follow-up contact and counts as a reopen (repeated links of it change nothing).
 */
export type StatusChange =
  | { kind: 'resolved'; at: number; by: Resolver; confirmed: boolean }
  | { kind: 'reopened'; at: number }
  | { kind: 'linked'; at: number; conversationId: string };

/** How a ticket stands at a moment. */
export interface TicketStatus {
  resolved: boolean;
  /** Time of the resolution in force; `null` when not resolved. */
  resolvedAt: number | null;
  resolvedBy: Resolver | null;
  confirmed: boolean;
  /** Times the ticket went from resolved back to open (explicit reopens and follow-up contacts). */
  reopens: number;
  /** Whether a human resolved it at any time before the moment. */
  everResolvedByHuman: boolean;
}

/**
 * The status of a ticket just before `asOf`: resolved when the latest of its resolve and reopen
 * changes is a resolve, whose time and resolver are then the resolution's. A reopen (or a new
 * conversation linked) while the ticket is open changes nothing and is not counted.
 *
 * `changes` must be in time order, ties in order of arrival; changes at or after `asOf` are ignored.
 *
 * @example
 * ticketStatus([{ kind: 'resolved', at: 10, by: 'ai', confirmed: false }, { kind: 'linked', at: 20, conversationId: 'c2' }], 30);
 * // { resolved: false, reopens: 1, ... }
 */
export function ticketStatus(changes: readonly StatusChange[], asOf: number): TicketStatus {
  let last: Extract<StatusChange, { kind: 'resolved' }> | null = null;
  let reopens = 0;
  let everResolvedByHuman = false;
  let linked: Set<string> | null = null;
  for (const change of changes) {
    if (change.at >= asOf) continue;
    if (change.kind === 'linked') {
      linked ??= new Set();
      if (linked.has(change.conversationId)) continue;
      linked.add(change.conversationId);
    }
    if (change.kind === 'resolved') {
      last = change;
      if (change.by === 'human') everResolvedByHuman = true;
    } else if (last !== null) {
      reopens += 1;
      last = null;
    }
  }
  return {
    resolved: last !== null,
    resolvedAt: last?.at ?? null,
    resolvedBy: last?.by ?? null,
    confirmed: last?.confirmed ?? false,
    reopens,
    everResolvedByHuman,
  };
}
