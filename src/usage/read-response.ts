import type { Operation, Provider, Usage } from './types.js';
import { parseUsage } from './parse-usage.js';
import { withResponseBilling } from './response-billing.js';

/** What a response says about itself: enough to price and describe the call. */
export interface ResponseFacts {
  model: string | null;
  id: string | null;
  finishReasons: string[];
  usage: Usage | null;
}

const EMPTY: ResponseFacts = { model: null, id: null, finishReasons: [], usage: null };

function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/**
 * Reads model, id, finish reasons and usage from a non-streamed response body (already parsed
 * JSON). Pure and total: malformed bodies give nulls, never an exception.
 */
export function readResponse(provider: Provider, operation: Operation, body: unknown): ResponseFacts {
  if (typeof body !== 'object' || body === null) return EMPTY;
  const record = body as Record<string, unknown>;
  return {
    model: str(record.model),
    id: str(record.id),
    finishReasons: finishReasonsOf(operation, record),
    usage: withResponseBilling(parseUsage(provider, record.usage), record),
  };
}

/** Finish reasons in the provider's words: `choices[].finish_reason`, `stop_reason`, or a response's status. */
export function finishReasonsOf(operation: Operation, record: Record<string, unknown>): string[] {
  if (operation === 'messages') {
    const reason = str(record.stop_reason);
    return reason ? [reason] : [];
  }
  if (operation === 'responses') {
    const incomplete = record.incomplete_details as { reason?: unknown } | null | undefined;
    const reason = str(incomplete?.reason) ?? str(record.status);
    return reason ? [reason] : [];
  }
  if (!Array.isArray(record.choices)) return [];
  const reasons: string[] = [];
  for (const choice of record.choices) {
    const reason = str((choice as { finish_reason?: unknown } | null)?.finish_reason);
    if (reason) reasons.push(reason);
  }
  return reasons;
}
