import { createGoogle } from '@ai-sdk/google';
import { GoogleGenAI } from '@google/genai';
import { embed } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { geminiModelName } from '../../src/usage/gemini-model-name.js';
import { readResponse } from '../../src/usage/read-response.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';

// Google's wire format names a model `models/{model}` in places: the `model` of an
// `:embedContent` body (Google's REST example, and the AI SDK's Google provider for one value)
// and of each `:batchEmbedContents` request. The price data knows `gemini-embedding-001`, not
// `models/gemini-embedding-001`: the ledger keeps the bare name, so the call is priced.
//
// gemini-embedding-001 at Google (genai-prices google/gemini-embedding-001): input 0.15 USD / 1M,
// no output price. Gemini's embedding answers report no usage: "Hello world" is estimated at
// 2 tokens (o200k), 2 x 0.15 = 0.3 per million = $0.0000003.
const EMBED_COST = 0.0000003;

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness((sim) => ({ upstream: [`gemini=${sim.geminiBaseUrl}@google`] }));
}, 30_000);
afterAll(async () => h.close());
beforeEach(() => h.sim.reset());

const rowOf = (conversationId: string) => h.rows().find((r) => r.conversation_id === conversationId);
const conversation = (id: string) => ({ 'x-cpr-conversation-id': id });

describe('Gemini model names through the proxy', () => {
  it('@google/genai embedContent (sent as batchEmbedContents, each request naming models/...) is priced', async () => {
    const genai = new GoogleGenAI({ apiKey: 'gemini-client-key', httpOptions: { baseUrl: h.cpr.url, headers: conversation('names-1') } });
    await genai.models.embedContent({ model: 'gemini-embedding-001', contents: 'Hello world' });
    expect(JSON.parse(h.sim.requests[0]!.body).requests[0].model).toBe('models/gemini-embedding-001');
    const row = rowOf('names-1');
    expect(row).toMatchObject({ operation: 'embeddings', request_model: 'gemini-embedding-001', input_tokens: 2, estimated: 1, price_input: 0.15 });
    expect(row!.cost_usd).toBeCloseTo(EMBED_COST, 15);
    expect(row!.price_source).toBe('genai-prices:google/gemini-embedding-001');
  });

  it("the AI SDK's Google provider, embed() of one value (embedContent with model: models/...), is priced", async () => {
    const google = createGoogle({ apiKey: 'gemini-client-key', baseURL: `${h.cpr.url}/v1beta`, headers: conversation('names-2') });
    await embed({ model: google.embedding('gemini-embedding-001'), value: 'Hello world', maxRetries: 0 });
    expect(h.sim.requests[0]!.path).toBe('/v1beta/models/gemini-embedding-001:embedContent');
    expect(JSON.parse(h.sim.requests[0]!.body).model).toBe('models/gemini-embedding-001');
    const row = rowOf('names-2');
    expect(row).toMatchObject({ request_model: 'gemini-embedding-001', input_tokens: 2, price_input: 0.15 });
    expect(row!.cost_usd).toBeCloseTo(EMBED_COST, 15);
  });

  it("Google's REST example for embedContent, its body naming models/gemini-embedding-001, is priced", async () => {
    const res = await fetch(`${h.cpr.url}/v1beta/models/gemini-embedding-001:embedContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': 'gemini-client-key', ...conversation('names-3') },
      body: JSON.stringify({ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'Hello world' }] } }),
    });
    expect(res.status).toBe(200);
    const row = rowOf('names-3');
    expect(row).toMatchObject({ request_model: 'gemini-embedding-001', input_tokens: 2 });
    expect(row!.cost_usd).toBeCloseTo(EMBED_COST, 15);
  });

  it('a modelVersion given as models/{model} is recorded and priced by its name, streamed or not', async () => {
    // gemini-2.5-flash: 0.3 input, 0.03 cached, 2.5 output per million. 1,000 input of which 200
    // cached, 50 output: 800 x 0.3 + 200 x 0.03 + 50 x 2.5 = 240 + 6 + 125 = 371 per million.
    h.sim.enqueue({ text: 'Shipped.', usage: { input: 1000, cacheRead: 200, output: 50 }, model: 'models/gemini-2.5-flash' });
    h.sim.enqueue({ text: 'Shipped.', usage: { input: 1000, cacheRead: 200, output: 50 }, model: 'models/gemini-2.5-flash' });
    const genai = new GoogleGenAI({ apiKey: 'gemini-client-key', httpOptions: { baseUrl: h.cpr.url } });
    await genai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Where?', config: { httpOptions: { headers: conversation('names-4') } } });
    for await (const _chunk of await genai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Where?', config: { httpOptions: { headers: conversation('names-5') } } })) { /* read to the end */ }
    for (const id of ['names-4', 'names-5']) {
      const row = rowOf(id);
      expect(row).toMatchObject({ request_model: 'gemini-2.5-flash', response_model: 'gemini-2.5-flash', input_tokens: 1000, output_tokens: 50 });
      expect(row!.cost_usd).toBeCloseTo(0.000371, 12);
    }
  });
});

describe('geminiModelName', () => {
  it('drops models/, keeps a tuned model whole, leaves other names alone', () => {
    expect(geminiModelName('models/gemini-embedding-001')).toBe('gemini-embedding-001');
    expect(geminiModelName('gemini-2.5-flash')).toBe('gemini-2.5-flash');
    // A tuned model's id names no base model: it is never priced as one by accident.
    expect(geminiModelName('tunedModels/support-bot-v2')).toBe('tunedModels/support-bot-v2');
    expect(geminiModelName('models/')).toBe('models/');
  });

  it('reads a response modelVersion without the prefix', () => {
    expect(readResponse('gemini', 'generate_content', { modelVersion: 'models/gemini-2.5-flash' }).model).toBe('gemini-2.5-flash');
    expect(readResponse('gemini', 'generate_content', [{ modelVersion: 'models/gemini-2.0-flash' }]).model).toBe('gemini-2.0-flash');
  });
});
