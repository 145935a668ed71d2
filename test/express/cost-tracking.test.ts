import express from 'express';
import type { ErrorRequestHandler, Request } from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { costTracking, tryGetConversation, type ConversationContext, type CostTrackingOptions } from '../../src/express/index.js';
import { toErrorBody } from '../../src/errors.js';
import { eventually } from '../support/proxy-harness.js';
import { startWrapperHarness, type WrapperHarness } from '../wrapper/wrapper-harness.js';

// gpt-4o-mini: 0.15 input, 0.075 cached input, 0.6 output (USD / 1M). Scripted: 1,200 input of which
// 1,024 cached, 300 output: 176 x 0.15 + 1024 x 0.075 + 300 x 0.6 = 26.4 + 76.8 + 180 = 283.2 per million.
const USAGE = { input: 1200, cacheRead: 1024, output: 300 };
const COST = 0.0002832;

let h: WrapperHarness;
let servers: Server[] = [];
beforeAll(async () => {
  h = await startWrapperHarness();
});
afterAll(async () => h.close());
beforeEach(() => h.sim.reset());
afterEach(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  servers = [];
});

/** A chatbot app: `setup` mounts the middleware, then an async handler awaits a wrapped-client call. */
async function startApp(setup: (app: express.Express) => void): Promise<string> {
  const app = express();
  setup(app);
  app.post('/chat', async (req, res) => {
    // Awaits before the call, so that the context has to survive more than one hop.
    await new Promise((resolve) => setTimeout(resolve, 1));
    const completion = await h.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: String(req.body?.message ?? 'hi') }] });
    res.json({ reply: completion.choices[0]!.message.content, context: tryGetConversation() ?? null });
  });
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    const { status, body } = toErrorBody(error);
    res.status(status).json(body);
  };
  app.use(onError);
  const server = app.listen(0);
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('costTracking() in an Express 5 app', () => {
  it('attributes the calls of an async handler to the x-cpr-* headers of the request', async () => {
    // express.json() after the middleware: its body reading must not lose the context.
    const url = await startApp((app) => {
      app.use(costTracking());
      app.use(express.json());
    });
    h.sim.enqueue({ text: 'Refund issued.', usage: USAGE });
    const res = await post(url, { message: 'Where is my refund?' }, {
      'x-cpr-conversation-id': 'conv-http-1', 'x-cpr-ticket-id': 'T-77', 'x-cpr-customer-id': 'cust-9', 'x-cpr-channel': 'web', 'x-cpr-category': 'billing',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      reply: 'Refund issued.',
      context: { conversationId: 'conv-http-1', ticketId: 'T-77', customerId: 'cust-9', channel: 'web', category: 'billing' },
    });
    const row = await eventually(() => h.rows().find((r) => r.conversation_id === 'conv-http-1'));
    expect(row).toMatchObject({ ticket_id: 'T-77', source: 'wrapper', status: 'ok', input_tokens: 1200, output_tokens: 300 });
    expect(row.cost_usd).toBeCloseTo(COST, 12);
  });

  it('takes the conversation from a function of the request (a body field)', async () => {
    const url = await startApp((app) => {
      app.use(express.json());
      app.use(costTracking({ conversationId: (req) => (req.body as { conversationId?: string }).conversationId, ticketId: (req) => req.query.ticket as string | undefined }));
    });
    h.sim.enqueue({ usage: USAGE });
    await post(`${url}`, { conversationId: 'from-body-1', message: 'hello' });
    const row = await eventually(() => h.rows().find((r) => r.conversation_id === 'from-body-1'));
    expect(row.ticket_id).toBeNull();
  });

  it('keeps concurrent requests apart', async () => {
    const url = await startApp((app) => {
      app.use(costTracking());
      app.use(express.json());
    });
    const ids = ['par-a', 'par-b', 'par-c', 'par-d'];
    const answers = await Promise.all(ids.map((id) => post(url, { message: id }, { 'x-cpr-conversation-id': id }).then((r) => r.json() as Promise<{ context: ConversationContext }>)));
    expect(answers.map((a) => a.context.conversationId)).toEqual(ids);
    await eventually(() => ids.every((id) => h.rows().some((r) => r.conversation_id === id)));
    // Each conversation's one call carries its own message as the prompt: the simulator saw them all.
    expect(h.sim.requests).toHaveLength(4);
  });

  it('runs a request without a conversation without context: its calls are recorded unattributed, never dropped', async () => {
    const url = await startApp((app) => app.use(express.json(), costTracking()));
    const before = h.rows().length;
    const res = await post(url, { message: 'anonymous' });
    expect(((await res.json()) as { context: unknown }).context).toBeNull();
    const rows = await eventually(() => (h.rows().length === before + 1 ? h.rows() : undefined));
    expect(rows.at(-1)).toMatchObject({ conversation_id: null, ticket_id: null, status: 'ok' });
  });

  it('fails a request with an invalid id with a 400 naming where it came from, before the handler runs', async () => {
    const fromBody = await startApp((app) => {
      app.use(express.json());
      app.use(costTracking({ conversationId: (req) => (req.body as { id?: string }).id }));
    });
    const tooLong = await post(fromBody, { id: 'x'.repeat(300) });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({
      error: { type: 'invalid_request_error', message: 'costTracking option "conversationId" is longer than 256 characters.', field: 'costTracking option "conversationId"' },
    });
    const control = await post(fromBody, { id: 'bad\u0007id' });
    expect(((await control.json()) as { error: { message: string } }).error.message).toMatch(/control characters/);
    const fromHeaders = await startApp((app) => app.use(costTracking()));
    const badTicket = await post(fromHeaders, {}, { 'x-cpr-conversation-id': 'fine', 'x-cpr-ticket-id': 't'.repeat(257) });
    expect(badTicket.status).toBe(400);
    expect(((await badTicket.json()) as { error: { message: string } }).error.message).toBe('x-cpr-ticket-id is longer than 256 characters.');
    expect(h.sim.requests).toHaveLength(0);
  });

  it('tells onContext the context and the request before the handler runs', async () => {
    const seen: Array<[ConversationContext, string]> = [];
    const options: CostTrackingOptions = { onContext: (ctx, req: Request) => seen.push([ctx, req.path]) };
    const url = await startApp((app) => app.use(costTracking(options)));
    await post(url, {}, { 'x-cpr-conversation-id': 'linked-1', 'x-cpr-ticket-id': 'T-1' });
    await post(url, {});
    expect(seen).toEqual([[{ conversationId: 'linked-1', ticketId: 'T-1' }, '/chat']]);
  });

  it('returns a named middleware function', () => {
    expect(costTracking().name).toBe('costTrackingMiddleware');
  });
});
