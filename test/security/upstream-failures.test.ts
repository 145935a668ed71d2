import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.js';
import { startServer, type CprServer } from '../../src/server/start-server.js';
import { countTokens } from '../../src/usage/estimate.js';
import { eventually, startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';
import { startScriptedUpstream, type ScriptedUpstream } from '../support/scripted-upstream.js';
import { tempDir } from '../support/temp-dir.js';

/*
 * An upstream that cannot be reached, does not answer in time (`upstreamTimeoutMs`, for the
 * headers and for each gap between body chunks), or closes mid-answer: the client gets an
 * error in OpenAI's shape when nothing of the answer was sent yet, or its stream is cut where
 * the upstream's was; the ledger row says what happened (status, http_status, error_type).
 */

const TIMEOUT_MS = 300;
const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Where is my parcel?' }] };
type ApiError = InstanceType<typeof OpenAI.APIError>;

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness({ upstreamTimeoutMs: TIMEOUT_MS });
});
afterAll(async () => h.close());
beforeEach(() => h.sim.reset());

const rowOf = (conversationId: string) => eventually(() => h.rows().find((r) => r.conversation_id === conversationId));
const as = (conversationId: string) => ({ headers: { 'x-cpr-conversation-id': conversationId } });

/** Reads a stream to its end or its error; returns the text received and the error. */
async function drain(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>): Promise<{ text: string; error: unknown }> {
  let text = '';
  try {
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    return { text, error: null };
  } catch (error) {
    return { text, error };
  }
}

describe('an upstream that cannot be reached', () => {
  let cpr: CprServer;
  const dir = tempDir();
  beforeAll(async () => {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    cpr = await startServer({ port: 0, db: dir.file('down.db'), upstream: 'http://127.0.0.1:9/v1', logger: silentLogger, env: {} });
  });
  afterAll(async () => {
    await cpr.close();
    dir.remove();
  });

  it.each([false, true])('answers 502 upstream_unreachable in OpenAI shape (stream: %s) and records the call', async (stream) => {
    const client = new OpenAI({ apiKey: 'sk-x', baseURL: `${cpr.url}/v1`, maxRetries: 0 });
    const error = (await client.chat.completions.create({ ...ask, stream }, as(`down-${stream}`)).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(502);
    expect(error.error).toMatchObject({ type: 'upstream_error', code: 'upstream_unreachable',
      message: expect.stringContaining('The upstream could not be reached (http://127.0.0.1:9/v1/chat/completions)') });
    expect(error.headers?.get('x-cpr-call-id')).toBeTruthy();
    const row = cpr.ledger.db.prepare('SELECT * FROM llm_calls WHERE conversation_id = ?').get(`down-${stream}`);
    expect(row).toMatchObject({ status: 'error', http_status: null, error_type: 'upstream_unreachable', cost_usd: 0, streamed: stream ? 1 : 0 });
  });
});

describe('an upstream that does not answer in time', () => {
  let silent: ScriptedUpstream;
  let cpr: CprServer;
  const dir = tempDir();
  beforeAll(async () => {
    silent = await startScriptedUpstream();
    cpr = await startServer({ port: 0, db: dir.file('slow.db'), upstream: silent.url, upstreamTimeoutMs: TIMEOUT_MS, logger: silentLogger, env: {} });
  });
  afterAll(async () => {
    await cpr.close();
    await silent.close();
    dir.remove();
  });

  it('answers 504 upstream_timeout when no headers come within upstreamTimeoutMs, and records it', async () => {
    silent.enqueue(() => undefined); // accepts the request, never answers
    const client = new OpenAI({ apiKey: 'sk-x', baseURL: `${cpr.url}/v1`, maxRetries: 0 });
    const started = Date.now();
    const error = (await client.chat.completions.create(ask, as('no-headers')).catch((e: unknown) => e)) as ApiError;
    const waited = Date.now() - started;
    expect(error.status).toBe(504);
    expect(error.error).toMatchObject({ type: 'upstream_error', code: 'upstream_timeout' });
    // Given up at the timeout, not at the SDK's own (10 minutes).
    expect(waited).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(waited).toBeLessThan(TIMEOUT_MS + 2000);
    const row = cpr.ledger.db.prepare('SELECT * FROM llm_calls WHERE conversation_id = ?').get('no-headers');
    expect(row).toMatchObject({ status: 'error', http_status: null, error_type: 'upstream_timeout', cost_usd: 0 });
  });
});

describe('an upstream that stops in the middle of its answer', () => {
  it('answers 504 upstream_timeout in OpenAI shape when a JSON body stalls after its headers, and records it', async () => {
    // Headers and half of the body, then nothing.
    h.sim.enqueue({ text: 'never finished', stallAfterChunks: 1 });
    const error = (await h.client.chat.completions.create(ask, as('stalled-body')).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(504);
    expect(error.error).toMatchObject({ type: 'upstream_error', code: 'upstream_timeout' });
    expect(await rowOf('stalled-body')).toMatchObject({ status: 'error', http_status: 200, error_type: 'upstream_timeout', streamed: 0, cost_usd: 0 });
  });

  it('answers 502 upstream_stream_error in OpenAI shape when a JSON body is cut, and records it', async () => {
    h.sim.enqueue({ text: 'never finished', destroyAfterChunks: 1 });
    const error = (await h.client.chat.completions.create(ask, as('cut-body')).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(502);
    expect(error.error).toMatchObject({ type: 'upstream_error', code: 'upstream_stream_error' });
    expect(await rowOf('cut-body')).toMatchObject({ status: 'error', http_status: 200, error_type: 'upstream_stream_error', streamed: 0 });
  });

  it('cuts the client stream where an idle upstream stream went quiet, and records upstream_timeout with the usage estimated', async () => {
    // Two chunks arrive; the third would come after the timeout.
    h.sim.enqueue({ text: 'alpha beta gamma delta', chunks: 4, stallAfterChunks: 2 });
    const stream = await h.client.chat.completions.create({ ...ask, stream: true }, as('idle-stream'));
    const { text, error } = await drain(stream);
    expect(error).toBeInstanceOf(Error);
    expect(text.length).toBeGreaterThan(0);
    const row = await rowOf('idle-stream');
    expect(row).toMatchObject({ status: 'error', http_status: 200, error_type: 'upstream_timeout', streamed: 1, estimated: 1 });
    expect(row.output_tokens).toBe(countTokens(text));
  });

  it('lets a slow but steady stream through: the timeout is per gap between chunks, not for the whole answer', async () => {
    // Six gaps of 100 ms: 600 ms in all, twice the timeout, each gap a third of it.
    h.sim.enqueue({ text: 'one two three four five six', chunks: 6, chunkDelayMs: TIMEOUT_MS / 3, usage: { input: 10, output: 6 } });
    const { text, error } = await drain(await h.client.chat.completions.create({ ...ask, stream: true }, as('steady')));
    expect(error).toBeNull();
    expect(text).toBe('one two three four five six');
    expect(await rowOf('steady')).toMatchObject({ status: 'ok', error_type: null, output_tokens: 6, estimated: 0 });
  });

  it('cuts the client stream where the upstream closed it, and records upstream_stream_error', async () => {
    h.sim.enqueue({ text: 'alpha beta gamma delta', chunks: 4, destroyAfterChunks: 2 });
    const { text, error } = await drain(await h.client.chat.completions.create({ ...ask, stream: true }, as('closed-stream')));
    expect(error).toBeInstanceOf(Error);
    expect(await rowOf('closed-stream')).toMatchObject({ status: 'error', error_type: 'upstream_stream_error', streamed: 1, estimated: 1,
      output_tokens: countTokens(text) });
  });
});
