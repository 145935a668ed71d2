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
 * A conversation linked at the same millisecond as a resolution was already there when the
 * ticket was resolved: it is not a contact *after* the resolution, so it is no follow-up. Of the
 * changes made at one moment, links therefore count first, then resolutions and reopens in order
 * of arrival. (The stores cannot give the order of a link and an event made at one moment: they
 * come from different tables, whose sequences say nothing about each other.)
 *
 * `changes` must be in time order, ties in order of arrival; changes at or after `asOf` are ignored.
 *
 * @example
 * ticketStatus([{ kind: 'resolved', at: 10, by: 'ai', confirmed: false }, { kind: 'linked', at: 20, conversationId: 'c2' }], 30);
 * // { resolved: false, reopens: 1, ... }
 * ticketStatus([{ kind: 'resolved', at: 10, by: 'ai', confirmed: false }, { kind: 'linked', at: 10, conversationId: 'c1' }], 30);
 * // { resolved: true, reopens: 0, ... }
 */
export function ticketStatus(changes: readonly StatusChange[], asOf: number): TicketStatus {
  const { last, reopens, everResolvedByHuman } = foldChanges(changes, asOf);
  return {
    resolved: last !== null,
    resolvedAt: last?.at ?? null,
    resolvedBy: last?.by ?? null,
    confirmed: last?.confirmed ?? false,
    reopens,
    everResolvedByHuman,
  };
}

/**
 * The positions in `changes` of the links that {@link ticketStatus} counts as reopens: the
 * follow-up contacts (a conversation's first link while the ticket is resolved, links of a
 * moment counting before its resolutions). The ticket explorer marks these, so that a timeline
 * and the report agree. `changes` in the order `ticketStatus` takes them.
 *
 * @example
 * followUpLinks([{ kind: 'resolved', at: 10, by: 'ai', confirmed: false }, { kind: 'linked', at: 10, conversationId: 'c1' },
 *   { kind: 'linked', at: 20, conversationId: 'c2' }]);
 * // Set { 2 }: c1 was linked at the resolution's moment, c2 after it
 */
export function followUpLinks(changes: readonly StatusChange[]): Set<number> {
  const followUps = new Set<number>();
  foldChanges(changes, Number.POSITIVE_INFINITY, (index) => followUps.add(index));
  return followUps;
}

/** The fold of `ticketStatus`: the changes before `asOf`, moment by moment, links of a moment first; `onFollowUp` hears each link that reopened. */
function foldChanges(changes: readonly StatusChange[], asOf: number, onFollowUp?: (index: number) => void): Fold {
  const fold: Fold = { last: null, reopens: 0, everResolvedByHuman: false, linked: null };
  for (let start = 0; start < changes.length;) {
    const at = changes[start]!.at;
    let end = start + 1;
    while (end < changes.length && changes[end]!.at === at) end += 1;
    if (at < asOf) {
      for (let i = start; i < end; i += 1) if (changes[i]!.kind === 'linked' && applyChange(fold, changes[i]!)) onFollowUp?.(i);
      for (let i = start; i < end; i += 1) if (changes[i]!.kind !== 'linked') applyChange(fold, changes[i]!);
    }
    start = end;
  }
  return fold;
}

/** The status so far, as {@link ticketStatus} folds the changes. */
interface Fold {
  /** The resolution in force; `null` while open. */
  last: Extract<StatusChange, { kind: 'resolved' }> | null;
  reopens: number;
  everResolvedByHuman: boolean;
  /** The conversations linked so far; only a conversation's first link may be a follow-up. */
  linked: Set<string> | null;
}

/** Applies one change; true when it reopened the ticket. */
function applyChange(fold: Fold, change: StatusChange): boolean {
  if (change.kind === 'linked') {
    fold.linked ??= new Set();
    if (fold.linked.has(change.conversationId)) return false;
    fold.linked.add(change.conversationId);
  }
  if (change.kind === 'resolved') {
    fold.last = change;
    if (change.by === 'human') fold.everResolvedByHuman = true;
    return false;
  }
  if (fold.last === null) return false;
  fold.reopens += 1;
  fold.last = null;
  return true;
}
