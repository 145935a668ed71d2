import { tryGetConversation } from '../context/conversation-context.js';
import { warnRecordingFailure } from './commit-call.js';
import { ATTRIBUTION_HEADERS, validateId, type Attribution } from '../proxy/attribution.js';

/** The attribution fixed when the client was wrapped. */
export interface FixedAttribution {
  conversationId?: string | undefined;
  ticketId?: string | undefined;
}

/**
 * The `x-cpr-*` headers of a request, by name, read in one pass; `null` when it has none (a
 * call attributed by the middleware's context or the wrapper's options carries none).
 */
export function cprHeadersOf(headers: Headers): ReadonlyMap<string, string> | null {
  let found: Map<string, string> | null = null;
  for (const [name, value] of headers) if (name.startsWith('x-cpr-')) (found ??= new Map()).set(name, value);
  return found;
}

/** A copy of `headers` without the `x-cpr-*` ones (`cpr`), which must not leave the process. */
export function withoutCprHeaders(headers: Headers, cpr: ReadonlyMap<string, string> | null): Headers {
  const copy = new Headers(headers);
  if (cpr !== null) for (const name of cpr.keys()) copy.delete(name);
  return copy;
}

/** A header's id, or `undefined` when absent or invalid (a bad per-call id must not fail the call). */
function headerId(cpr: ReadonlyMap<string, string> | null, name: string): string | undefined {
  const value = cpr?.get(name);
  if (value === undefined || value === '') return undefined;
  try {
    return validateId(value, name);
  } catch {
    return undefined;
  }
}

/**
 * Who one call of a wrapped client belongs to, most specific first: the call's own `x-cpr-*`
 * headers (`cpr`, as {@link cprHeadersOf} reads them), then the ids given to `wrapOpenAI`, then
 * the current request's context (from the middleware). When the conversation is named by a
 * header or the options, the context's other fields (its ticket, customer…) are not mixed in,
 * since they belong to another conversation.
 */
export function resolveAttribution(cpr: ReadonlyMap<string, string> | null, fixed: FixedAttribution): Attribution {
  const fromHeader = (key: keyof Attribution) => headerId(cpr, ATTRIBUTION_HEADERS[key]);
  const explicit = fromHeader('conversationId') ?? fixed.conversationId;
  const ctx = explicit === undefined ? tryGetConversation() : undefined;
  return {
    conversationId: explicit ?? ctx?.conversationId ?? null,
    ticketId: fromHeader('ticketId') ?? fixed.ticketId ?? ctx?.ticketId ?? null,
    customerId: fromHeader('customerId') ?? ctx?.customerId ?? null,
    channel: fromHeader('channel') ?? ctx?.channel ?? null,
    category: fromHeader('category') ?? ctx?.category ?? null,
  };
}

/**
 * Tells `onAttribution` of a recorded call's attribution when it names a conversation or a
 * ticket, on a later turn (so that linking never delays the call), never throwing into the caller.
 */
export function notifyAttribution({ onAttribution, attribution, at }: { onAttribution: ((attribution: Attribution, at: number) => void) | undefined; attribution: Attribution; at: number }): void {
  if (!onAttribution || !(attribution.conversationId || attribution.ticketId)) return;
  setImmediate(() => {
    try {
      onAttribution(attribution, at);
    } catch (error) {
      warnRecordingFailure('onAttribution threw', error);
    }
  });
}
