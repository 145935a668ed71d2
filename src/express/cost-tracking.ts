import type { NextFunction, Request, Response } from 'express';
import { runWithConversation, runWithoutConversation, type ConversationContext } from '../context/conversation-context.js';
import { ValidationError } from '../errors.js';
import { ATTRIBUTION_HEADERS, validateId } from '../proxy/attribution.js';

/** Reads one id from a request; `undefined` (or `''`) when the request has none. */
export type RequestIdReader = (req: Request) => string | undefined;

/** Options of {@link costTracking}. Each reader defaults to the matching `x-cpr-*` header. */
export interface CostTrackingOptions {
  /** The conversation of a request. Default: the `x-cpr-conversation-id` header. A request without one runs without context, and its LLM calls are recorded unattributed. */
  conversationId?: RequestIdReader;
  /** Default: the `x-cpr-ticket-id` header. */
  ticketId?: RequestIdReader;
  /** Default: the `x-cpr-customer-id` header. */
  customerId?: RequestIdReader;
  /** Default: the `x-cpr-channel` header. */
  channel?: RequestIdReader;
  /** Default: the `x-cpr-category` header. */
  category?: RequestIdReader;
  /**
   * Called once per tracked request, before the handler runs, with the context it will run in
   * (the meter links the conversation to its ticket here). A throw fails the request through
   * `next(error)`. Default: none.
   */
  onContext?: (ctx: ConversationContext, req: Request) => void;
}

type Key = keyof ConversationContext;

function fromHeader(name: string): RequestIdReader {
  return (req) => req.get(name);
}

const DEFAULT_READERS: Record<Key, RequestIdReader> = {
  conversationId: fromHeader(ATTRIBUTION_HEADERS.conversationId),
  ticketId: fromHeader(ATTRIBUTION_HEADERS.ticketId),
  customerId: fromHeader(ATTRIBUTION_HEADERS.customerId),
  channel: fromHeader(ATTRIBUTION_HEADERS.channel),
  category: fromHeader(ATTRIBUTION_HEADERS.category),
};

/** Reads and validates one id; errors name the header for the defaults, the option otherwise. */
function readId(req: Request, key: Key, reader: RequestIdReader): string | undefined {
  const field = reader === DEFAULT_READERS[key] ? ATTRIBUTION_HEADERS[key] : `costTracking option "${key}"`;
  const value: unknown = reader(req);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ValidationError(`${field} must be a string.`, { field });
  return validateId(value, field);
}

/**
 * Express middleware that decides each request's conversation (and optionally its ticket,
 * customer, channel and category) and makes it the current context for everything the handler
 * awaits, so that LLM calls made through a wrapped client are attributed to it. An invalid id
 * fails the request with a 400 `ValidationError` (through `next(error)`); a request without a
 * conversation runs without context, and its calls are recorded unattributed, never dropped.
 *
 * @example
 * app.use(express.json());
 * app.use(costTracking({ conversationId: (req) => req.body?.conversationId }));
 * app.post('/chat', async (req, res) => {
 *   res.json(await client.chat.completions.create(params)); // recorded under the body's conversationId
 * });
 */
export function costTracking({
  conversationId = DEFAULT_READERS.conversationId,
  ticketId = DEFAULT_READERS.ticketId,
  customerId = DEFAULT_READERS.customerId,
  channel = DEFAULT_READERS.channel,
  category = DEFAULT_READERS.category,
  onContext,
}: CostTrackingOptions = {}) {
  const readers: Record<Key, RequestIdReader> = { conversationId, ticketId, customerId, channel, category };
  return function costTrackingMiddleware(req: Request, _res: Response, next: NextFunction): void {
    let ctx: ConversationContext | undefined;
    try {
      const conversation = readId(req, 'conversationId', readers.conversationId);
      if (conversation !== undefined) {
        ctx = { conversationId: conversation };
        for (const key of ['ticketId', 'customerId', 'channel', 'category'] as const) {
          const value = readId(req, key, readers[key]);
          if (value !== undefined) ctx[key] = value;
        }
        onContext?.(ctx, req);
      }
    } catch (error) {
      next(error);
      return;
    }
    if (ctx === undefined) {
      const missing = readers.conversationId === DEFAULT_READERS.conversationId
        ? `it has no ${ATTRIBUTION_HEADERS.conversationId} header`
        : 'the middleware\'s conversationId option read none from it';
      runWithoutConversation(missing, () => next());
      return;
    }
    // `next` runs the rest of the chain synchronously inside the store, so the handler and every
    // promise it creates see the context.
    runWithConversation(ctx, () => next());
  };
}
