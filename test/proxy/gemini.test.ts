import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';

// Gemini's native API through the proxy, with Google's @google/genai client, its base URL set to
// the proxy. Usage comes from `usageMetadata` (https://ai.google.dev/api/generate-content#UsageMetadata):
// promptTokenCount includes the cached part; candidatesTokenCount excludes the thinking tokens
// (thoughtsTokenCount), which Google bills as output.
//
// gemini-2.5-flash at Google (genai-prices google/gemini-2.5-flash): input 0.3, cached input 0.03,
// output 2.5 USD / 1M. Scripted: input 1,000 of which 200 cached; output 50 of which 30 thinking
// (the API says candidatesTokenCount 20, thoughtsTokenCount 30).
// 800 x 0.3 + 200 x 0.03 + (20 + 30) x 2.5 = 240 + 6 + 125 = 371 per million = $0.000371.
const USAGE = { input: 1000, cacheRead: 200, output: 50, reasoning: 30 };
const COST = 0.000371;

let h: ProxyHarness;
let genai: GoogleGenAI;
beforeAll(async () => {
  // The simulator's address says no provider: @google says it is Google's API.
  h = await startProxyHarness((sim) => ({ upstream: [`openai=${sim.openaiBaseUrl}`, `gemini=${sim.geminiBaseUrl}@google`] }));
  genai = new GoogleGenAI({ apiKey: 'gemini-client-key', httpOptions: { baseUrl: h.cpr.url } });
}, 30_000);
afterAll(async () => h.close());
beforeEach(() => h.sim.reset());

const withConversation = (id: string) => ({ httpOptions: { headers: { 'x-cpr-conversation-id': id } } });

describe("Gemini's native API through the proxy", () => {
  it('records generateContent: usageMetadata into the usage columns, modelVersion as the model, priced as Google prices', async () => {
    h.sim.enqueue({ text: 'Your parcel ships today.', usage: USAGE });
    const response = await genai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Where is my parcel?', config: withConversation('g-1') });
    expect(response.text).toBe('Your parcel ships today.');
    // Gemini paths go to the upstream whose provider is google, without /u/ or a header.
    expect(h.sim.requests[0]!.path).toBe('/v1/models/gemini-2.5-flash:generateContent');
    expect(h.sim.requests[0]!.headers['x-goog-api-key']).toBe('gemini-client-key');
    const [row] = h.rows().filter((r) => r.conversation_id === 'g-1');
    expect(row).toMatchObject({
      provider: 'gemini', upstream_provider: 'google', upstream: 'gemini', operation: 'generate_content',
      request_model: null, response_model: 'gemini-2.5-flash', input_tokens: 1000, cache_read_tokens: 200, cache_write_tokens: 0,
      output_tokens: 50, reasoning_tokens: 30, status: 'ok', estimated: 0, streamed: 0, finish_reasons: '["STOP"]',
      price_input: 0.3, price_cached_input: 0.03, price_output: 2.5, response_id: response.responseId,
    });
    expect(row!.cost_usd).toBeCloseTo(COST, 12);
    expect(row!.price_source).toBe('genai-prices:google/gemini-2.5-flash');
  });

  it('records generateContentStream from the last chunk\'s usageMetadata', async () => {
    h.sim.enqueue({ text: 'Your parcel ships today.', usage: USAGE });
    const chunks = [];
    for await (const chunk of await genai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Where?', config: withConversation('g-2') })) chunks.push(chunk);
    expect(chunks.map((c) => c.text ?? '').join('')).toBe('Your parcel ships today.');
    expect(h.sim.requests[0]!.path).toBe('/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    const [row] = h.rows().filter((r) => r.conversation_id === 'g-2');
    expect(row).toMatchObject({ streamed: 1, status: 'ok', response_model: 'gemini-2.5-flash', input_tokens: 1000, cache_read_tokens: 200, output_tokens: 50, reasoning_tokens: 30, estimated: 0 });
    expect(row!.cost_usd).toBeCloseTo(COST, 12);
    expect(Number(row!.ttfc_ms)).toBeGreaterThanOrEqual(0);
  });

  it('estimates and flags a stream the client left before its last chunk', async () => {
    h.sim.enqueue({ text: 'one two three four five six', usage: USAGE, chunkDelayMs: 20 });
    const abort = new AbortController();
    const stream = await genai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Count', config: { ...withConversation('g-3'), abortSignal: abort.signal } });
    // @google/genai reads on after a `break`: the client leaves by aborting.
    await expect((async () => {
      for await (const _chunk of stream) abort.abort();
    })()).rejects.toThrow();
    const row = await waitForRow(h, 'g-3');
    expect(row).toMatchObject({ status: 'aborted', estimated: 1, response_model: 'gemini-2.5-flash' });
  });

  it('passes countTokens through unrecorded (Google does not bill it)', async () => {
    const before = h.rows().length;
    const counted = await genai.models.countTokens({ model: 'gemini-2.5-flash', contents: 'Hello' });
    expect(counted.totalTokens).toBe(8);
    expect(h.rows().length).toBe(before);
  });

  it('records embedContent as embeddings, its usage estimated (Gemini reports none)', async () => {
    await genai.models.embedContent({ model: 'gemini-embedding-001', contents: 'Hello world', config: withConversation('g-4') });
    const [row] = h.rows().filter((r) => r.conversation_id === 'g-4');
    // "Hello world" is 2 o200k tokens, counted as the estimate.
    expect(row).toMatchObject({ operation: 'embeddings', provider: 'gemini', request_model: null, input_tokens: 2, estimated: 1, status: 'ok' });
  });

  it('forwards ?key= to the upstream but never stores it, and reads the v1beta path too', async () => {
    h.sim.enqueue({ text: 'ok', usage: { input: 10, output: 2 } });
    const res = await fetch(`${h.cpr.url}/v1beta/models/gemini-2.0-flash:generateContent?key=secret-key-123`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-cpr-conversation-id': 'g-5' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }),
    });
    expect(res.status).toBe(200);
    expect(h.sim.requests[0]!.path).toBe('/v1beta/models/gemini-2.0-flash:generateContent?key=secret-key-123');
    const [row] = h.rows().filter((r) => r.conversation_id === 'g-5');
    expect(JSON.stringify(row)).not.toContain('secret-key-123');
    expect(row).toMatchObject({ response_model: 'gemini-2.0-flash', input_tokens: 10, output_tokens: 2 });
  });

  it('answers an unknown upstream name with a 400 naming the known ones, before anything goes upstream', async () => {
    const res = await fetch(`${h.cpr.url}/u/vertex/v1beta/models/gemini-2.5-flash:generateContent`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('No upstream is named vertex; the known ones are openai, gemini, anthropic.');
    expect(h.sim.requests).toHaveLength(0);
  });
});

describe('Gemini with the key held by the proxy', () => {
  let keyed: ProxyHarness;
  beforeAll(async () => {
    keyed = await startProxyHarness((sim) => ({
      upstream: `gemini=${sim.geminiBaseUrl}@google`, proxyToken: 'proxy-token', env: { CPR_UPSTREAM_API_KEY_GEMINI: 'google-real-key' },
    }));
  }, 30_000);
  afterAll(async () => keyed.close());

  it("replaces the client's x-goog-api-key and ?key= with CPR_UPSTREAM_API_KEY_GEMINI", async () => {
    const client = new GoogleGenAI({ apiKey: 'proxy-token', httpOptions: { baseUrl: keyed.cpr.url } });
    await client.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    expect(keyed.sim.requests[0]!.headers['x-goog-api-key']).toBe('google-real-key');
    const res = await fetch(`${keyed.cpr.url}/v1beta/models/gemini-2.5-flash:generateContent?key=proxy-token&alt=json`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }),
    });
    expect(res.status).toBe(200);
    expect(keyed.sim.requests[1]!.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent?alt=json');
    expect(keyed.sim.requests[1]!.headers['x-goog-api-key']).toBe('google-real-key');
    const stranger = new GoogleGenAI({ apiKey: 'guess', httpOptions: { baseUrl: keyed.cpr.url } });
    await expect(stranger.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' })).rejects.toThrow();
    expect(keyed.sim.requests).toHaveLength(2);
  });
});

async function waitForRow(harness: ProxyHarness, conversationId: string) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const row = harness.rows().find((r) => r.conversation_id === conversationId);
    if (row) return row;
    if (Date.now() > deadline) throw new Error(`no row for ${conversationId}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
