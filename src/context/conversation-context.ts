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
 * The current conversation. Throws a {@link ContextError} outside a tracked request; use
 * {@link tryGetConversation} where there may be none.
 */
export function getConversation(): ConversationContext {
  const ctx = storage.getStore();
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
