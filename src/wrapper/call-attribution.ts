import { tryGetConversation } from '../context/conversation-context.js';
import { ATTRIBUTION_HEADERS, validateId, type Attribution } from '../proxy/attribution.js';

/** The attribution fixed when the client was wrapped. */
export interface FixedAttribution {
  conversationId?: string | undefined;
  ticketId?: string | undefined;
}

/** True when a request carries `x-cpr-*` headers, which must not leave the process. */
export function hasCprHeaders(headers: Headers): boolean {
  for (const name of headers.keys()) if (name.startsWith('x-cpr-')) return true;
  return false;
}

/** Removes every `x-cpr-*` header, as the proxy does before forwarding. */
export function stripCprHeaders(headers: Headers): void {
  for (const name of [...headers.keys()]) if (name.startsWith('x-cpr-')) headers.delete(name);
}

/** A header's id, or `undefined` when absent or invalid (a bad per-call id must not fail the call). */
function headerId(headers: Headers, name: string): string | undefined {
  const value = headers.get(name);
  if (value === null || value === '') return undefined;
  try {
    return validateId(value, name);
  } catch {
    return undefined;
  }
}

/**
 * Who one call of a wrapped client belongs to, most specific first: the call's own `x-cpr-*`
 * headers, then the ids given to `wrapOpenAI`, then the current request's context (from the
 * middleware). When the conversation is named by a header or the options, the context's other
 * fields (its ticket, customer…) are not mixed in, since they belong to another conversation.
 */
export function resolveAttribution(headers: Headers, fixed: FixedAttribution): Attribution {
  const fromHeader = (key: keyof Attribution) => headerId(headers, ATTRIBUTION_HEADERS[key]);
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
