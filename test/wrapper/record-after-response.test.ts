import { describe, expect, it } from 'vitest';
import { useWrapperHarness } from './wrapper-harness.js';

const h = useWrapperHarness();

const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
const as = (id: string) => ({ headers: { 'x-cpr-conversation-id': id } });
const rowsOf = (id: string) => h.rows().filter((r) => r.conversation_id === id);
/** One turn of the event loop: callbacks queued with setImmediate before this one have run. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

// These assert order, not time: the row is written on a later turn of the event loop than the
// one that hands the caller its answer, so ledger work never sits between the upstream and it.
describe('the record is written after the response is handed back', () => {
  it('for a non-streamed call: absent when create() resolves, present a turn later', async () => {
    h.sim.enqueue({ usage: { input: 12, output: 3 } });
    const answer = await h.client.chat.completions.create(ask, as('order-1'));
    expect(answer.choices[0]!.message.content).toBeTruthy();
    expect(rowsOf('order-1')).toHaveLength(0);
    await nextTurn();
    expect(rowsOf('order-1')).toHaveLength(1);
  });

  it('for a stream: absent when the caller has read the last chunk, present a turn later', async () => {
    h.sim.enqueue({ text: 'a b c', usage: { input: 12, output: 3 } });
    const stream = await h.client.chat.completions.create({ ...ask, stream: true }, as('order-2'));
    for await (const chunk of stream) expect(chunk.choices).toHaveLength(1);
    expect(rowsOf('order-2')).toHaveLength(0);
    await nextTurn();
    expect(rowsOf('order-2')).toMatchObject([{ streamed: 1, input_tokens: 12, output_tokens: 3 }]);
  });

  it('for an upstream error: the SDK error is thrown before the row is written', async () => {
    h.sim.enqueue({ status: 500 });
    await h.client.chat.completions.create(ask, as('order-3')).catch(() => undefined);
    expect(rowsOf('order-3')).toHaveLength(0);
    await nextTurn();
    expect(rowsOf('order-3')).toMatchObject([{ status: 'error', http_status: 500 }]);
  });
});
