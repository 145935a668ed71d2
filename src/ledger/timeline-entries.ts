import { money } from '../reports/figures.js';
import type { TimelineEntry } from './ticket-explorer.js';

/** A call row of a ticket's timeline query (both stores select the same columns in the same order). */
export function callEntry(r: unknown[]): TimelineEntry {
  return {
    at: '', kind: 'llm-call', callId: r[1] as string, conversationId: r[2] as string | null, provider: r[3] as string,
    operation: r[4] as string, model: r[5] as string | null, inputTokens: r[6] as number | null, outputTokens: r[7] as number | null,
    costUsd: r[8] as number | null, status: r[9] as string, estimated: r[10] !== 0,
  };
}

/** An event row (`EVENTS_SQL`); human work without an amount at `humanHourlyRate` when given, else at the ledger's rate of its time. */
export function eventEntry(r: unknown[], humanHourlyRate: number | null): TimelineEntry {
  const kind = r[2] as 'handoff' | 'human-work' | 'resolved' | 'reopened';
  const base: TimelineEntry = { at: '', kind, conversationId: r[3] as string | null };
  if (kind === 'handoff') return { ...base, reason: r[4] as string | null, queue: r[5] as string | null, agentId: r[6] as string | null };
  if (kind === 'human-work') {
    const seconds = r[7] as number;
    const explicit = r[8] as number | null;
    return { ...base, agentId: r[6] as string | null, seconds, costUsd: money(explicit ?? (seconds * (humanHourlyRate ?? r[11] as number)) / 3600) };
  }
  if (kind === 'resolved') return { ...base, by: r[9] as 'ai' | 'human', confirmed: r[10] === 1 };
  return base;
}
