import type { IncomingHttpHeaders } from 'node:http';
import { ValidationError } from '../errors.js';

/** Who a call belongs to, from the `x-cpr-*` headers (and the `/c/{id}` path). */
export interface Attribution {
  conversationId: string | null;
  ticketId: string | null;
  customerId: string | null;
  channel: string | null;
  category: string | null;
}

/** The attribution headers, consumed by the proxy and never forwarded upstream. */
export const ATTRIBUTION_HEADERS = {
  conversationId: 'x-cpr-conversation-id',
  ticketId: 'x-cpr-ticket-id',
  customerId: 'x-cpr-customer-id',
  channel: 'x-cpr-channel',
  category: 'x-cpr-category',
} as const satisfies Record<keyof Attribution, string>;

/** Longest id accepted, in characters. */
export const MAX_ID_LENGTH = 256;

// Ids are stored and shown in reports: no control characters, C1 included (a header's latin-1
// byte 0x9b is a terminal's escape sequence introducer), the same rule as event ids.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Checks one id: a non-empty string of at most {@link MAX_ID_LENGTH} characters without control
 * characters. Throws a {@link ValidationError} naming `field`.
 */
export function validateId(value: string, field: string): string {
  const trimmed = value.trim();
  if (trimmed.length === 0) throw new ValidationError(`${field} is empty.`, { field });
  if (trimmed.length > MAX_ID_LENGTH) throw new ValidationError(`${field} is longer than ${MAX_ID_LENGTH} characters.`, { field });
  if (CONTROL.test(trimmed)) throw new ValidationError(`${field} contains control characters.`, { field });
  return trimmed;
}

/** Reads and validates the attribution of a request. `pathConversationId` comes from `/c/{id}/v1`. */
export function readAttribution(headers: IncomingHttpHeaders, pathConversationId: string | null): Attribution {
  const read = (key: keyof Attribution): string | null => {
    const raw = headers[ATTRIBUTION_HEADERS[key]];
    const value = Array.isArray(raw) ? raw[0] : raw;
    return value === undefined || value === '' ? null : validateId(value, ATTRIBUTION_HEADERS[key]);
  };
  const fromHeader = read('conversationId');
  return {
    conversationId: fromHeader ?? (pathConversationId === null ? null : validateId(pathConversationId, 'conversation id in the path')),
    ticketId: read('ticketId'),
    customerId: read('customerId'),
    channel: read('channel'),
    category: read('category'),
  };
}
