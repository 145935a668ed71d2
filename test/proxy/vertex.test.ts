import { GoogleGenAI } from '@google/genai';
// @google/genai's own dependency: its Vertex AI mode authenticates with it.
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';

// Vertex AI's Gemini models through the proxy, with Google's @google/genai client in Vertex AI
// mode, its base URL set to the proxy: with a project and location (an OAuth access token,
// passed through untouched), and in express mode (an API key, no project). Vertex speaks the
// Gemini API's body format at its own paths; the simulator answers them as Gemini.
//
// Recorded as google-vertex, priced at Vertex's prices: genai-prices lists Gemini on Vertex under
// `google` (gemini-2.5-flash: input 0.3, cached input 0.03, output 2.5 USD / 1M). Scripted:
// 1,000 input of which 200 cached, 50 output of which 30 thinking:
// 800 x 0.3 + 200 x 0.03 + 50 x 2.5 = 240 + 6 + 125 = 371 per million = $0.000371.
const USAGE = { input: 1000, cacheRead: 200, output: 50, reasoning: 30 };
const COST = 0.000371;

let h: ProxyHarness;
let vertex: GoogleGenAI;
beforeAll(async () => {
  // The simulator's address says no provider: @google-vertex says it is Vertex AI. The Gemini
  // API's upstream comes first, and Vertex's paths still go to Vertex's.
  h = await startProxyHarness((sim) => ({ upstream: [`openai=${sim.openaiBaseUrl}`, `gemini=${sim.geminiBaseUrl}@google`, `vertex=${sim.geminiBaseUrl}@google-vertex`] }));
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'ya29.vertex-test-token', expiry_date: Date.now() + 3_600_000 });
  vertex = new GoogleGenAI({ vertexai: true, project: 'acme-support', location: 'us-central1', googleAuthOptions: { authClient }, httpOptions: { baseUrl: h.cpr.url } });
}, 30_000);
afterAll(async () => h.close());
beforeEach(() => h.sim.reset());

const withConversation = (id: string) => ({ httpOptions: { headers: { 'x-cpr-conversation-id': id } } });
const rowOf = (id: string) => h.rows().find((r) => r.conversation_id === id);

describe("Vertex AI's Gemini models through the proxy", () => {
  it('records generateContent as google-vertex, priced by hand, the OAuth token passed through', async () => {
    h.sim.enqueue({ text: 'Your parcel ships today.', usage: USAGE });
    const response = await vertex.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Where is my parcel?', config: withConversation('vx-1') });
    expect(response.text).toBe('Your parcel ships today.');
    expect(h.sim.requests[0]!.path).toBe('/v1beta1/projects/acme-support/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent');
    expect(h.sim.requests[0]!.headers.authorization).toBe('Bearer ya29.vertex-test-token');
    const row = rowOf('vx-1');
    expect(row).toMatchObject({
      provider: 'gemini', upstream_provider: 'google-vertex', upstream: 'vertex', operation: 'generate_content',
      request_model: 'gemini-2.5-flash', response_model: 'gemini-2.5-flash', input_tokens: 1000, cache_read_tokens: 200,
      output_tokens: 50, reasoning_tokens: 30, status: 'ok', estimated: 0, streamed: 0, finish_reasons: '["STOP"]',
      price_input: 0.3, price_cached_input: 0.03, price_output: 2.5,
    });
    expect(row!.cost_usd).toBeCloseTo(COST, 12);
    expect(JSON.stringify(row)).not.toContain('ya29');
  });

  it('records generateContentStream from the last chunk', async () => {
    h.sim.enqueue({ text: 'Your parcel ships today.', usage: USAGE });
    const chunks: string[] = [];
    for await (const chunk of await vertex.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Where?', config: withConversation('vx-2') })) chunks.push(chunk.text ?? '');
    expect(chunks.join('')).toBe('Your parcel ships today.');
    expect(h.sim.requests[0]!.path).toBe('/v1beta1/projects/acme-support/locations/us-central1/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    const row = rowOf('vx-2');
    expect(row).toMatchObject({ upstream_provider: 'google-vertex', upstream: 'vertex', streamed: 1, status: 'ok', input_tokens: 1000, output_tokens: 50, reasoning_tokens: 30, estimated: 0 });
    expect(row!.cost_usd).toBeCloseTo(COST, 12);
  });

  it('records express mode (an API key, no project) the same way', async () => {
    h.sim.enqueue({ text: 'Yes.', usage: USAGE });
    const express = new GoogleGenAI({ vertexai: true, apiKey: 'vertex-express-key', httpOptions: { baseUrl: h.cpr.url } });
    await express.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Shipped?', config: withConversation('vx-3') });
    expect(h.sim.requests[0]!.path).toBe('/v1beta1/publishers/google/models/gemini-2.5-flash:generateContent');
    expect(h.sim.requests[0]!.headers['x-goog-api-key']).toBe('vertex-express-key');
    const row = rowOf('vx-3');
    expect(row).toMatchObject({ upstream_provider: 'google-vertex', upstream: 'vertex', input_tokens: 1000, output_tokens: 50 });
    expect(row!.cost_usd).toBeCloseTo(COST, 12);
  });

  it('passes countTokens through unrecorded', async () => {
    const before = h.rows().length;
    const counted = await vertex.models.countTokens({ model: 'gemini-2.5-flash', contents: 'Hello' });
    expect(counted.totalTokens).toBeGreaterThan(0);
    expect(h.sim.requests[0]!.path).toBe('/v1beta1/projects/acme-support/locations/us-central1/publishers/google/models/gemini-2.5-flash:countTokens');
    expect(h.rows().length).toBe(before);
  });
});
