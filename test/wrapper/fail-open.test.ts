import { describe, expect, it } from 'vitest';
import { PriceBook, type PriceQuery, type PriceSheet } from '../../src/pricing/price-book.js';
import { eventually } from '../support/proxy-harness.js';
import { useWrapperHarness } from './wrapper-harness.js';

const h = useWrapperHarness();

const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('recording that fails never fails the caller', () => {
  it('a read-only ledger: calls succeed, streamed or not; the recorder counts the failures and writes the rows once it recovers', async () => {
    h.ledger.db.pragma('query_only = ON');
    try {
      const answers = await Promise.all(
        Array.from({ length: 3 }, (_, i) => h.client.chat.completions.create(ask, { headers: { 'x-cpr-conversation-id': `ro-${i}` } })),
      );
      expect(answers.every((a) => a.choices[0]!.message.content)).toBe(true);
      const stream = await h.client.chat.completions.create({ ...ask, stream: true }, { headers: { 'x-cpr-conversation-id': 'ro-3' } });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text.length).toBeGreaterThan(0);
      await eventually(() => h.recorder.stats().failedWrites === 4);
      expect(h.recorder.stats()).toMatchObject({ failedWrites: 4, buffered: 4, dropped: 0, failuresByKind: { SQLITE_READONLY: 4 } });
      expect(h.rows()).toHaveLength(0);
    } finally {
      h.ledger.db.pragma('query_only = OFF');
    }
    expect(await h.recorder.flush()).toBe(0);
    expect(h.rows().map((r) => r.conversation_id).sort()).toEqual(['ro-0', 'ro-1', 'ro-2', 'ro-3']);
  });

  it('a failure in cpr-meter itself (pricing throws): the caller gets its answer, the failure is a process warning', async () => {
    class BrokenPriceBook extends PriceBook {
      override lookup(_query: PriceQuery): PriceSheet | null {
        throw new Error('price database unreadable');
      }
    }
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const client = h.wrap({ prices: new BrokenPriceBook() });
      h.sim.enqueue({ text: 'Still answered.' });
      const answer = await client.chat.completions.create(ask);
      expect(answer.choices[0]!.message.content).toBe('Still answered.');
      await eventually(() => warnings.length > 0);
      expect(warnings[0]!.message).toMatch(/cpr-meter: an LLM call could not be recorded: price database unreadable/);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
