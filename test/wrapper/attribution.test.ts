import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { runWithConversation } from '../../src/express/index.js';
import { ValidationError } from '../../src/errors.js';
import type { Attribution } from '../../src/proxy/attribution.js';
import { wrapOpenAI } from '../../src/wrapper/index.js';
import { eventually } from '../support/proxy-harness.js';
import { useWrapperHarness } from './wrapper-harness.js';

const h = useWrapperHarness();

const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello' }] };
const rowsOf = (id: string) => h.rows().filter((r) => r.conversation_id === id);
const oneRow = (id: string) => eventually(() => rowsOf(id)[0]);

describe('who a wrapped call is attributed to', () => {
  it('the current conversation, from the middleware context', async () => {
    await runWithConversation({ conversationId: 'ctx-1', ticketId: 'T-ctx' }, () => h.client.chat.completions.create(ask));
    expect(await oneRow('ctx-1')).toMatchObject({ ticket_id: 'T-ctx', source: 'wrapper' });
  });

  it('the ids given to wrapOpenAI, over the context (whose ticket is not mixed in)', async () => {
    const client = h.wrap({ conversationId: 'fixed-1' });
    await runWithConversation({ conversationId: 'ctx-2', ticketId: 'T-other' }, () => client.chat.completions.create(ask));
    expect(await oneRow('fixed-1')).toMatchObject({ ticket_id: null });
    expect(rowsOf('ctx-2')).toHaveLength(0);
  });

  it("a call's own x-cpr-* headers, over both; never sent upstream", async () => {
    const client = h.wrap({ conversationId: 'fixed-2', ticketId: 'T-fixed' });
    await runWithConversation({ conversationId: 'ctx-3' }, () =>
      client.chat.completions.create(ask, { headers: { 'x-cpr-conversation-id': 'hdr-1', 'x-cpr-ticket-id': 'T-hdr', 'x-cpr-channel': 'email' } }),
    );
    expect(await oneRow('hdr-1')).toMatchObject({ ticket_id: 'T-hdr' });
    const sent = h.sim.requests[0]!.headers;
    expect(Object.keys(sent).filter((name) => name.startsWith('x-cpr-'))).toEqual([]);
    expect(sent.authorization).toBe('Bearer sk-test-client');
  });

  it('an invalid per-call id does not fail the call: it is dropped (and not sent upstream)', async () => {
    const answer = await runWithConversation({ conversationId: 'ctx-4' }, () =>
      h.client.chat.completions.create(ask, { headers: { 'x-cpr-conversation-id': 'x'.repeat(300) } }),
    );
    expect(answer.choices).toHaveLength(1);
    expect(await oneRow('ctx-4')).toBeTruthy();
    expect(h.sim.requests[0]!.headers['x-cpr-conversation-id']).toBeUndefined();
  });

  it('nobody: recorded unattributed, never dropped', async () => {
    const before = h.rows().length;
    await h.client.chat.completions.create(ask);
    const rows = await eventually(() => (h.rows().length === before + 1 ? h.rows() : undefined));
    expect(rows.at(-1)).toMatchObject({ conversation_id: null, ticket_id: null, status: 'ok' });
  });

  it('refuses an invalid fixed id when wrapping, not on each call', () => {
    const client = new OpenAI({ apiKey: 'sk-x', baseURL: h.sim.openaiBaseUrl });
    expect(() => wrapOpenAI(client, { recorder: h.recorder, prices: h.prices, conversationId: '' })).toThrow(ValidationError);
  });

  it('tells onAttribution of calls that name a conversation or ticket, at their start time', async () => {
    const seen: Array<[Attribution, number]> = [];
    const client = h.wrap({ now: () => 1_750_000_000_000, onAttribution: (attribution, at) => seen.push([attribution, at]) });
    await runWithConversation({ conversationId: 'ctx-5', ticketId: 'T-5', customerId: 'cust-5', channel: 'chat', category: 'returns' }, () => client.chat.completions.create(ask));
    await client.chat.completions.create(ask);
    await eventually(() => seen.length === 1);
    expect(seen).toEqual([[{ conversationId: 'ctx-5', ticketId: 'T-5', customerId: 'cust-5', channel: 'chat', category: 'returns' }, 1_750_000_000_000]]);
    expect(await oneRow('ctx-5')).toMatchObject({ started_at: 1_750_000_000_000 });
  });
});

describe('wrapping twice', () => {
  it('records each call once, whether the client is wrapped again or derived with withOptions()', async () => {
    const client = h.wrap();
    expect(wrapOpenAI(client, { recorder: h.recorder, prices: h.prices })).toBe(client);
    await client.chat.completions.create(ask, { headers: { 'x-cpr-conversation-id': 'twice-1' } });
    const derived = wrapOpenAI(client.withOptions({ timeout: 5_000 }), { recorder: h.recorder, prices: h.prices });
    await derived.chat.completions.create(ask, { headers: { 'x-cpr-conversation-id': 'twice-2' } });
    await eventually(() => rowsOf('twice-2').length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect([rowsOf('twice-1').length, rowsOf('twice-2').length]).toEqual([1, 1]);
  });
});
