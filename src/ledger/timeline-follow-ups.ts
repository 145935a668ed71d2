import type { TimelineEntry } from './ticket-explorer.js';
import { followUpLinks, type StatusChange } from '../tickets/ticket-status.js';

/**
 * Marks the links of a ticket's timeline that reopened it (`followUp: true`), by the report's own
 * rule (`followUpLinks`, the fold of `ticketStatus`): a link made at a resolution's very
 * millisecond was there when the ticket was resolved, and is no follow-up. `entries` in time
 * order, ties in order of arrival; `at` in ms. Both stores' ticket explorers call it.
 */
export function markFollowUps(entries: ReadonlyArray<{ at: number; entry: TimelineEntry }>): void {
  const changes: StatusChange[] = [];
  const changed: TimelineEntry[] = [];
  for (const { at, entry } of entries) {
    const change = statusChangeOf(at, entry);
    if (change === null) continue;
    changes.push(change);
    changed.push(entry);
  }
  for (const index of followUpLinks(changes)) changed[index]!.followUp = true;
}

function statusChangeOf(at: number, entry: TimelineEntry): StatusChange | null {
  if (entry.kind === 'linked') return { kind: 'linked', at, conversationId: entry.conversationId! };
  if (entry.kind === 'resolved') return { kind: 'resolved', at, by: entry.by!, confirmed: entry.confirmed ?? false };
  if (entry.kind === 'reopened') return { kind: 'reopened', at };
  return null;
}
