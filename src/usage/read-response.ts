import type { Operation, Provider, Usage } from './types.js';
import { geminiModelName } from './gemini-model-name.js';
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
  if (provider === 'gemini') return Array.isArray(body) ? readGeminiChunks(body) : readGemini(body as Record<string, unknown>);
  const record = body as Record<string, unknown>;
  return {
    model: str(record.model),
    id: str(record.id),
    finishReasons: finishReasonsOf(operation, record),
    usage: withResponseBilling(parseUsage(provider, record.usage), record),
  };
}

/**
 * A Gemini `GenerateContentResponse`: the model from `modelVersion`, the id from `responseId`,
 * the finish reasons of `candidates[]`, usage from `usageMetadata`. (An embedding answer has
 * none of them.) A `models/` prefix is not part of the model's name (`geminiModelName`).
 */
function readGemini(record: Record<string, unknown>): ResponseFacts {
  const model = str(record.modelVersion);
  return { model: model === null ? null : geminiModelName(model), id: str(record.responseId), finishReasons: geminiFinishReasons(record), usage: parseUsage('gemini', record.usageMetadata) };
}

/** `:streamGenerateContent` without `alt=sse`: one JSON array of chunks, whose last usage is the call's. */
function readGeminiChunks(chunks: unknown[]): ResponseFacts {
  const facts = chunks.filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null && !Array.isArray(c)).map(readGemini);
  return {
    model: facts.findLast((f) => f.model !== null)?.model ?? null,
    id: facts.find((f) => f.id !== null)?.id ?? null,
    finishReasons: facts.findLast((f) => f.finishReasons.length > 0)?.finishReasons ?? [],
    usage: facts.findLast((f) => f.usage !== null)?.usage ?? null,
  };
}

/** The `finishReason` of each of a Gemini response's candidates that has one (`STOP`, `MAX_TOKENS`...). */
export function geminiFinishReasons(record: Record<string, unknown>): string[] {
  if (!Array.isArray(record.candidates)) return [];
  const reasons: string[] = [];
  for (const candidate of record.candidates) {
    const reason = str((candidate as { finishReason?: unknown } | null)?.finishReason);
    if (reason) reasons.push(reason);
  }
  return reasons;
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
