import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness();
});
afterAll(async () => h.close());
beforeEach(() => h.sim.reset());

const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello' }] };

describe('attribution', () => {
  it('consumes x-cpr-* headers: recorded, never forwarded upstream', async () => {
    await h.client.chat.completions.create(ask, {
      headers: { 'x-cpr-conversation-id': 'c-9', 'x-cpr-ticket-id': 'T-9', 'x-cpr-customer-id': 'cust-1', 'x-cpr-channel': 'web', 'x-cpr-category': 'billing' },
    });
    const sent = h.sim.requests[0]!.headers;
    expect(Object.keys(sent).filter((name) => name.startsWith('x-cpr-'))).toEqual([]);
    expect(sent.authorization).toBe('Bearer sk-test-client');
    expect(h.rows().at(-1)).toMatchObject({ conversation_id: 'c-9', ticket_id: 'T-9' });
  });

  it('takes the conversation from a /c/{id}/v1 base URL', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${h.cpr.url}/c/chat%2042/v1`, maxRetries: 0 });
    await client.chat.completions.create(ask);
    expect(h.sim.requests[0]!.path).toBe('/v1/chat/completions');
    expect(h.rows().at(-1)).toMatchObject({ conversation_id: 'chat 42' });
  });

  it('records a call without a conversation as unattributed, never drops it', async () => {
    const before = h.rows().length;
    await h.client.chat.completions.create(ask);
    expect(h.rows().length).toBe(before + 1);
    expect(h.rows().at(-1)).toMatchObject({ conversation_id: null, ticket_id: null, status: 'ok' });
  });

  it('refuses an over-long id with a 400 naming the header, before anything goes upstream', async () => {
    const error = (await h.client.chat.completions.create(ask, { headers: { 'x-cpr-conversation-id': 'x'.repeat(300) } }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/x-cpr-conversation-id/);
    expect(h.sim.requests.length).toBe(0);
  });

  it('answers /healthz with the database reachable', async () => {
    const res = await fetch(`${h.cpr.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', ledger: 'ok' });
  });
});
