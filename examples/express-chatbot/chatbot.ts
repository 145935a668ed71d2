/**
 * A small support chatbot (Express 5) that records what every conversation costs with two lines:
 * `app.use(meter.middleware())` and one `meter.wrapOpenAI(new OpenAI())` client. The bot tells the
 * meter when it hands a customer to a human and when a ticket is resolved, so that
 * `GET /report` can put the bot's cost per resolution next to the humans'.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler } from 'express';
import OpenAI from 'openai';
import { CprError, ValidationError, createMeter, type Meter, type MeterOptions } from 'cpr-meter';
import { tryGetConversation } from 'cpr-meter/express';

/** Options of {@link startChatbot}. */
export interface ChatbotOptions {
  /** Port to listen on. Default 0: any free port. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** The OpenAI client's base URL. Default: the SDK's (`OPENAI_BASE_URL`, else `https://api.openai.com/v1`). */
  baseURL?: string;
  /** The OpenAI API key. Default: the SDK's (`OPENAI_API_KEY`). */
  apiKey?: string;
  /** Chat model. Default `gpt-4o-mini`. */
  model?: string;
  /** Ledger file, shared with `cpr-meter report`. Default: `CPR_DB`, else `./cpr-meter.db`. */
  db?: string;
  /** Price overrides (see `createMeter`). Default: `CPR_PRICES`, else the bundled prices. */
  prices?: MeterOptions['prices'];
  /** What an agent hour costs you, USD, fully loaded. Default: `CPR_HUMAN_HOURLY_RATE`, else 40. */
  humanHourlyRate?: number;
}

/** A running chatbot. */
export interface Chatbot {
  /** `http://host:port`. */
  url: string;
  meter: Meter;
  close(): Promise<void>;
}

const SYSTEM_PROMPT = 'You are Ava, the support assistant of Northwind Gadgets. Answer in two or three kind sentences.';
// A customer who asks for a person gets one at once: the bot hands off instead of trying again.
const WANTS_HUMAN = /\b(human|person|agent|someone real|representative)\b/i;
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
const HANDOFF_REPLY = "I'm passing you to a colleague from our support team; they will answer here shortly.";

/**
 * Starts the chatbot: `POST /chat` and `POST /chat/stream` (SSE) take `{ conversationId, message }`
 * (or the `x-cpr-conversation-id` header), `POST /resolve` takes `{ conversationId, by, agentSeconds? }`,
 * `GET /report?from=&to=&groupBy=` answers the cost-per-resolution report.
 *
 * @example
 * const bot = await startChatbot({ port: 3000 });
 * // curl -d '{"conversationId":"c1","message":"Where is my order?"}' -H 'content-type: application/json' localhost:3000/chat
 */
export async function startChatbot(options: ChatbotOptions = {}): Promise<Chatbot> {
  const { port = 0, host = '127.0.0.1', baseURL, apiKey, model = 'gpt-4o-mini', db, prices, humanHourlyRate } = options;
  const meter = createMeter({ db, prices, humanHourlyRate });
  // One client for the whole app: each call is recorded under the conversation of the request making it.
  const openai = meter.wrapOpenAI(new OpenAI({ baseURL, apiKey }));
  // A real bot keeps these in its session store; Maps keep the example short.
  const histories = new Map<string, OpenAI.ChatCompletionMessageParam[]>();
  const handedOff = new Set<string>();

  const app = express();
  app.use(express.json());
  // After express.json(), so that the conversation can come from the body (else the header).
  app.use(meter.middleware({ conversationId: (req) => req.body?.conversationId ?? req.get('x-cpr-conversation-id') }));

  /** The current request's conversation; a 400 when the client named none. */
  function conversationId(): string {
    const ctx = tryGetConversation();
    if (ctx === undefined) throw new ValidationError('Send a conversationId in the body or an x-cpr-conversation-id header.', { field: 'conversationId' });
    return ctx.conversationId;
  }

  /** Adds the customer's message to the history; hands off (and returns null) when they ask for a human. */
  async function customerTurn(id: string, message: unknown): Promise<OpenAI.ChatCompletionMessageParam[] | null> {
    if (typeof message !== 'string' || message === '') throw new ValidationError('"message" must be a non-empty string.', { field: 'message' });
    if (handedOff.has(id)) return null; // a human has it now: no more model calls
    if (WANTS_HUMAN.test(message)) {
      handedOff.add(id);
      await meter.handoff({ reason: 'customer asked for a human' }); // the current conversation's ticket
      return null;
    }
    const history = histories.get(id) ?? [{ role: 'system', content: SYSTEM_PROMPT }];
    histories.set(id, history);
    history.push({ role: 'user', content: message });
    return history;
  }

  app.post('/chat', async (req, res) => {
    const id = conversationId();
    const messages = await customerTurn(id, req.body?.message);
    if (messages === null) return void res.json({ conversationId: id, reply: HANDOFF_REPLY, handedOff: true });
    const completion = await openai.chat.completions.create({ model, messages });
    const reply = completion.choices[0]?.message.content ?? '';
    messages.push({ role: 'assistant', content: reply });
    res.json({ conversationId: id, reply, handedOff: false });
  });

  // The same turn, streamed to the browser as server-sent events: `data: {"delta":"..."}`, then `data: [DONE]`.
  app.post('/chat/stream', async (req, res) => {
    const id = conversationId();
    const messages = await customerTurn(id, req.body?.message);
    const send = (data: object) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    if (messages === null) {
      res.writeHead(200, SSE_HEADERS);
      send({ delta: HANDOFF_REPLY, handedOff: true });
      return void res.end('data: [DONE]\n\n');
    }
    // A customer who closes the tab stops the model too; the meter records the call as aborted.
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    // Started before the first byte goes out, so that a failed model call still gets a proper 502.
    const stream = await openai.chat.completions.create({ model, messages, stream: true }, { signal: abort.signal });
    res.writeHead(200, SSE_HEADERS);
    let reply = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.content ?? '';
      if (delta !== '') send({ delta });
      reply += delta;
    }
    messages.push({ role: 'assistant', content: reply });
    res.end('data: [DONE]\n\n');
  });

  // The bot (the customer said the answer helped) or the agent who took over closes the ticket.
  app.post('/resolve', async (req, res) => {
    const id = conversationId();
    const { by, agentSeconds, confirmed } = req.body ?? {};
    if (by !== 'ai' && by !== 'human') throw new ValidationError('"by" must be "ai" or "human".', { field: 'by' });
    // Agent time is what makes escalations expensive: priced at the meter's hourly rate.
    if (agentSeconds !== undefined) await meter.humanWork({ seconds: agentSeconds });
    await meter.resolve({ by, confirmed });
    res.json({ conversationId: id, resolvedBy: by });
  });

  // The same JSON as `cpr-meter report --format json` (default window: the last 30 days).
  app.get('/report', async (req, res) => {
    const { from, to, groupBy } = req.query as Record<string, string | undefined>;
    res.json(await meter.report({ from, to, groupBy }));
  });

  app.use(errorHandler);

  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    meter,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await meter.close();
    },
  };
}

/** One JSON error shape, OpenAI's: cpr-meter's own errors carry their status; a failed model call is a 502. */
const errorHandler: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error); // mid-stream: Express closes the connection
  const status = error instanceof OpenAI.APIError ? 502 : error instanceof CprError || error?.type === 'entity.parse.failed' ? error.status : 500;
  if (status >= 500) console.error(error);
  const message = status === 502 ? 'The assistant is unavailable right now.' : status >= 500 ? 'Internal error.' : error.message;
  res.status(status).json({ error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error' } });
};
