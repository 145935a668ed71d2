import { AsyncLocalStorage } from 'node:async_hooks';
import { ContextError } from './context-error.js';

/** Who the work of the current request belongs to; what the wrapper attributes LLM calls to. */
export interface ConversationContext {
  conversationId: string;
  ticketId?: string;
  customerId?: string;
  channel?: string;
  category?: string;
}

const storage = new AsyncLocalStorage<ConversationContext>();
/** In a request the middleware tracked but that named no conversation: what it lacked. */
const unnamed = new AsyncLocalStorage<string>();

/**
 * Runs `fn` with `ctx` as the current conversation, for `fn` and everything it awaits. Returns
 * what `fn` returns. The middleware calls it; tests and background jobs may too.
 *
 * @example
 * await runWithConversation({ conversationId: 'conv-42' }, () => client.chat.completions.create(params));
 */
export function runWithConversation<R>(ctx: ConversationContext, fn: () => R): R {
  return storage.run(Object.freeze({ ...ctx }), fn);
}

/**
 * The current conversation. Throws a {@link ContextError} outside a tracked request, or in one
 * that names no conversation (saying what it lacked); use
 * {@link tryGetConversation} where there may be none.
 */
export function getConversation(): ConversationContext {
  const ctx = storage.getStore();
  const missing = ctx === undefined ? unnamed.getStore() : undefined;
  if (missing !== undefined) {
    throw new ContextError(`getConversation() was called in a request tracked by cpr-meter's middleware that names no conversation (${missing}); use tryGetConversation() where a request may have none`);
  }
  if (ctx === undefined) {
    throw new ContextError(
      "getConversation() was called outside a request tracked by cpr-meter's middleware; use tryGetConversation() or app.use(costTracking())",
    );
  }
  return ctx;
}

/** The current conversation, or `undefined` outside a tracked request. */
export function tryGetConversation(): ConversationContext | undefined {
  return storage.getStore();
}

/**
 * Runs `fn` for a request the middleware tracked that names no conversation, so that a helper
 * asked for the current conversation can say what the request lacked (`missing`: "it has no
 * x-cpr-conversation-id header") rather than that it is not tracked.
 */
export function runWithoutConversation<R>(missing: string, fn: () => R): R {
  return unnamed.run(missing, fn);
}

/**
 * Inside a request tracked by the middleware that names no conversation, what it lacked (as
 * given to {@link runWithoutConversation}); `undefined` elsewhere, and inside a conversation.
 */
export function missingConversation(): string | undefined {
  return storage.getStore() === undefined ? unnamed.getStore() : undefined;
}
