import { describe, expect, it } from 'vitest';
import { ContextError, getConversation, runWithConversation, tryGetConversation } from '../../src/express/index.js';
import { CprError } from '../../src/errors.js';

describe('the conversation context', () => {
  it('getConversation() throws a ContextError saying what to do outside a tracked request; tryGetConversation() gives undefined', () => {
    const error = (() => {
      try {
        getConversation();
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ContextError);
    expect(error).toBeInstanceOf(CprError);
    expect((error as ContextError).name).toBe('ContextError');
    expect((error as Error).message).toBe(
      "getConversation() was called outside a request tracked by cpr-meter's middleware; use tryGetConversation() or app.use(costTracking())",
    );
    expect(tryGetConversation()).toBeUndefined();
  });

  it('is current for everything the function awaits, and only there', async () => {
    const seen = await runWithConversation({ conversationId: 'conv-1', ticketId: 'T-1' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setImmediate(resolve));
      return getConversation();
    });
    expect(seen).toEqual({ conversationId: 'conv-1', ticketId: 'T-1' });
    expect(tryGetConversation()).toBeUndefined();
  });

  it('keeps concurrent conversations apart and restores the outer one after a nested run', async () => {
    const inner = (id: string, delay: number) =>
      runWithConversation({ conversationId: id }, async () => {
        await new Promise((resolve) => setTimeout(resolve, delay));
        return getConversation().conversationId;
      });
    expect(await Promise.all([inner('a', 15), inner('b', 1), inner('c', 8)])).toEqual(['a', 'b', 'c']);
    await runWithConversation({ conversationId: 'outer' }, async () => {
      expect(await inner('nested', 1)).toBe('nested');
      expect(getConversation().conversationId).toBe('outer');
    });
  });

  it('hands out a frozen copy, so a handler cannot re-attribute the calls of others', () => {
    const ctx = { conversationId: 'conv-2' };
    runWithConversation(ctx, () => {
      expect(getConversation()).not.toBe(ctx);
      expect(Object.isFrozen(getConversation())).toBe(true);
    });
  });
});
