import { AzureOpenAI } from 'openai';
import { AzureOpenAI as AzureOpenAIv4 } from 'openai-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';

// Azure OpenAI through the proxy, with the openai package's own AzureOpenAI client: the classic
// /openai/deployments/{deployment}/... paths with api-version, and the v1 path. The deployment is
// not a model: Azure names the model that served the call in its answer, and that is priced, at
// Azure's prices (genai-prices' `azure` provider, matched from *.openai.azure.com URLs or set with @azure).
//
// gpt-4o-2024-11-20 at Azure (genai-prices azure/gpt-4o): input 2.5, cached input 1.25, output 10 USD / 1M.
// Usage 1,000 input of which 400 cached, 200 output:
// 600 x 2.5 + 400 x 1.25 + 200 x 10 = 1500 + 500 + 2000 = 4000 per million = $0.004.
const USAGE = { input: 1000, cacheRead: 400, output: 200 };
const COST = 0.004;
const MODEL = 'gpt-4o-2024-11-20';
const hello = [{ role: 'user' as const, content: 'Where is my parcel?' }];

let h: ProxyHarness;
beforeAll(async () => {
  // The simulator stands for both OpenAI and Azure: its address says neither, so @azure says which.
  h = await startProxyHarness((sim) => ({ upstream: [`openai=${sim.openaiBaseUrl}`, `azure=${sim.azureEndpoint}/openai@azure`] }));
}, 30_000);
afterAll(async () => h.close());
beforeEach(() => h.sim.reset());

describe('Azure OpenAI through the proxy', () => {
  it('forwards the classic deployments path with its api-version and api-key, and prices the model Azure names', async () => {
    const azure = new AzureOpenAI({ endpoint: h.cpr.url, apiKey: 'azure-client-key', apiVersion: '2024-10-21', maxRetries: 0 });
    h.sim.enqueue({ text: 'It ships today.', usage: USAGE, model: MODEL });
    const { data, response } = await azure.chat.completions
      .create({ model: 'support-bot', messages: hello }, { headers: { 'x-cpr-conversation-id': 'az-1' } })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe('It ships today.');
    expect(h.sim.requests[0]!.path).toBe('/openai/deployments/support-bot/chat/completions?api-version=2024-10-21');
    expect(h.sim.requests[0]!.headers['api-key']).toBe('azure-client-key');
    const row = h.row(response.headers.get('x-cpr-call-id')!);
    expect(row).toMatchObject({
      conversation_id: 'az-1', provider: 'openai', upstream_provider: 'azure', upstream: 'azure', operation: 'chat',
      request_model: 'support-bot', response_model: MODEL, input_tokens: 1000, cache_read_tokens: 400, output_tokens: 200,
      status: 'ok', estimated: 0, streamed: 0, price_input: 2.5, price_cached_input: 1.25, price_output: 10,
    });
    expect(row.cost_usd).toBeCloseTo(COST, 12);
    expect(row.price_source).toMatch(/^genai-prices:azure\/gpt-4o/);
    expect(row.upstream_request_id).toBe(response.headers.get('x-request-id'));
  });

  it('records a stream: asks for usage (api-version 2024-10-21 has it), skips the prompt-filter chunk, hides the usage chunk', async () => {
    const azure = new AzureOpenAI({ endpoint: h.cpr.url, apiKey: 'k', apiVersion: '2024-10-21', maxRetries: 0 });
    h.sim.enqueue({ text: 'It ships today.', usage: USAGE, model: MODEL });
    const stream = await azure.chat.completions.create({ model: 'support-bot', messages: hello, stream: true }, { headers: { 'x-cpr-conversation-id': 'az-2' } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk as unknown as Record<string, any>);
    expect(JSON.parse(h.sim.requests[0]!.body).stream_options).toEqual({ include_usage: true });
    // The client gets Azure's prompt-filter chunk first, and no usage chunk it did not ask for.
    expect(chunks[0]).toMatchObject({ choices: [], model: '', prompt_filter_results: [{ prompt_index: 0 }] });
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('It ships today.');
    const [row] = h.rows().filter((r) => r.conversation_id === 'az-2');
    expect(row).toMatchObject({ streamed: 1, status: 'ok', response_model: MODEL, input_tokens: 1000, cache_read_tokens: 400, output_tokens: 200, estimated: 0, finish_reasons: '["stop"]' });
    expect(row!.cost_usd).toBeCloseTo(COST, 12);
  });

  it('does not add stream_options for an api-version older than 2024-09-01: the usage is then estimated and flagged', async () => {
    const azure = new AzureOpenAI({ endpoint: h.cpr.url, apiKey: 'k', apiVersion: '2024-06-01', maxRetries: 0 });
    h.sim.enqueue({ text: 'It ships today.', usage: USAGE, model: MODEL });
    const stream = await azure.chat.completions.create({ model: 'support-bot', messages: hello, stream: true }, { headers: { 'x-cpr-conversation-id': 'az-3' } });
    for await (const _chunk of stream) void _chunk;
    expect(JSON.parse(h.sim.requests[0]!.body).stream_options).toBeUndefined();
    const [row] = h.rows().filter((r) => r.conversation_id === 'az-3');
    expect(row).toMatchObject({ status: 'ok', estimated: 1, response_model: MODEL });
    expect(Number(row!.output_tokens)).toBeGreaterThan(0);
  });

  it('records the same call from the openai 4 AzureOpenAI client (the oldest major supported)', async () => {
    const azure = new AzureOpenAIv4({ endpoint: h.cpr.url, apiKey: 'k', apiVersion: '2024-10-21', maxRetries: 0 });
    h.sim.enqueue({ text: 'It ships today.', usage: USAGE, model: MODEL });
    const stream = await azure.chat.completions.create({ model: 'support-bot', messages: hello, stream: true }, { headers: { 'x-cpr-conversation-id': 'az-v4' } });
    for await (const _chunk of stream) void _chunk;
    expect(h.sim.requests[0]!.path).toBe('/openai/deployments/support-bot/chat/completions?api-version=2024-10-21');
    expect(h.sim.requests[0]!.headers['api-key']).toBe('k');
    const [row] = h.rows().filter((r) => r.conversation_id === 'az-v4');
    expect(row).toMatchObject({ streamed: 1, status: 'ok', upstream: 'azure', response_model: MODEL, input_tokens: 1000, cache_read_tokens: 400, output_tokens: 200, estimated: 0 });
    expect(row!.cost_usd).toBeCloseTo(COST, 12);
  });

  it('records embeddings through a deployment', async () => {
    const azure = new AzureOpenAI({ endpoint: h.cpr.url, apiKey: 'k', apiVersion: '2024-10-21', maxRetries: 0 });
    h.sim.enqueue({ usage: { input: 8, output: 0 }, model: 'text-embedding-3-small' });
    await azure.embeddings.create({ model: 'embed-deployment', input: 'Hello' }, { headers: { 'x-cpr-conversation-id': 'az-4' } });
    expect(h.sim.requests[0]!.path).toBe('/openai/deployments/embed-deployment/embeddings?api-version=2024-10-21');
    const [row] = h.rows().filter((r) => r.conversation_id === 'az-4');
    expect(row).toMatchObject({ operation: 'embeddings', upstream: 'azure', input_tokens: 8, response_model: 'text-embedding-3-small' });
  });

  it('forwards the v1 path, and /u/azure picks the upstream by name', async () => {
    h.sim.enqueue({ text: 'Hi', usage: USAGE, model: MODEL });
    const res = await fetch(`${h.cpr.url}/u/azure/openai/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'api-key': 'k', 'x-cpr-conversation-id': 'az-5' },
      body: JSON.stringify({ model: 'support-bot', messages: hello }),
    });
    expect(res.status).toBe(200);
    expect(h.sim.requests[0]!.path).toBe('/openai/v1/chat/completions');
    const [row] = h.rows().filter((r) => r.conversation_id === 'az-5');
    expect(row!.cost_usd).toBeCloseTo(COST, 12);
  });
});

describe('Azure OpenAI with the upstream key held by the proxy', () => {
  let keyed: ProxyHarness;
  beforeAll(async () => {
    keyed = await startProxyHarness((sim) => ({
      upstream: [`openai=${sim.openaiBaseUrl}`, `azure=${sim.azureEndpoint}/openai@azure`], proxyToken: 'proxy-token', env: { CPR_UPSTREAM_API_KEY_AZURE: 'azure-real-key' },
    }));
  }, 30_000);
  afterAll(async () => keyed.close());

  it("replaces the client's api-key with CPR_UPSTREAM_API_KEY_AZURE, and refuses a client without the proxy token", async () => {
    const azure = new AzureOpenAI({ endpoint: keyed.cpr.url, apiKey: 'proxy-token', apiVersion: '2024-10-21', maxRetries: 0 });
    await azure.chat.completions.create({ model: 'support-bot', messages: hello });
    expect(keyed.sim.requests[0]!.headers['api-key']).toBe('azure-real-key');
    expect(keyed.sim.requests[0]!.headers.authorization).toBeUndefined();
    const stranger = new AzureOpenAI({ endpoint: keyed.cpr.url, apiKey: 'guess', apiVersion: '2024-10-21', maxRetries: 0 });
    await expect(stranger.chat.completions.create({ model: 'support-bot', messages: hello })).rejects.toMatchObject({ status: 401 });
    expect(keyed.sim.requests).toHaveLength(1);
  });
});
