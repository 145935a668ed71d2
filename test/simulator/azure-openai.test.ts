import { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulatedUpstream } from '../../src/simulator/index.js';
import type { SimulatedUpstream } from '../../src/simulator/index.js';
import { jsonPayloads, postJson, readJson, readSse } from './http-helpers.js';

// Shapes checked against the Azure OpenAI REST reference (learn.microsoft.com/azure/ai-foundry/
// openai/reference, "Chat completions - Create", 2024-10-21) and "Content filtering": OpenAI's
// bodies plus `prompt_filter_results` and per-choice `content_filter_results`; a stream's first
// chunk has no choices and empty id/model/object and carries only the prompt filter results.

let sim: SimulatedUpstream;
let azure: AzureOpenAI;
const hello = [{ role: 'user' as const, content: 'Hello' }];
const SAFE = { filtered: false, severity: 'safe' };
const safeResults = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };
const promptResults = [{ prompt_index: 0, content_filter_results: { hate: SAFE, jailbreak: { filtered: false, detected: false }, self_harm: SAFE, sexual: SAFE, violence: SAFE } }];

beforeAll(async () => {
  sim = await startSimulatedUpstream();
  azure = new AzureOpenAI({ endpoint: sim.azureEndpoint, apiKey: 'azure-test-key', apiVersion: '2024-10-21', maxRetries: 0 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

describe('Azure OpenAI: classic deployments path', () => {
  it('answers AzureOpenAI chat completions with the model the deployment runs and content filter results', async () => {
    sim.enqueue({ text: 'Hi there', usage: { input: 100, cacheRead: 40, output: 20 }, model: 'gpt-4o-2024-11-20' });
    const completion = await azure.chat.completions.create({ model: 'support-bot', messages: hello });
    expect(sim.requests[0].path).toBe('/openai/deployments/support-bot/chat/completions?api-version=2024-10-21');
    expect(sim.requests[0].headers['api-key']).toBe('azure-test-key');
    expect(completion.model).toBe('gpt-4o-2024-11-20');
    expect(completion.choices[0].message.content).toBe('Hi there');
    const raw = completion as unknown as Record<string, any>;
    expect(raw.prompt_filter_results).toEqual(promptResults);
    expect(raw.choices[0].content_filter_results).toEqual(safeResults);
    expect(raw.service_tier).toBeUndefined();
    expect(completion.usage).toMatchObject({ prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, prompt_tokens_details: { cached_tokens: 40 } });
  });

  it('names a deployment named after a model by the snapshot it runs', async () => {
    const completion = await azure.chat.completions.create({ model: 'gpt-4o-mini', messages: hello });
    expect(completion.model).toBe('gpt-4o-mini-2024-07-18');
  });

  it('streams a prompt-filter chunk first, then annotated chunks, then usage', async () => {
    sim.enqueue({ text: 'Hi there', usage: { input: 100, output: 20 }, model: 'gpt-4o-2024-11-20' });
    const stream = await azure.chat.completions.create({ model: 'support-bot', messages: hello, stream: true, stream_options: { include_usage: true } });
    const chunks: Array<Record<string, any>> = [];
    for await (const chunk of stream) chunks.push(chunk as unknown as Record<string, any>);
    expect(chunks[0]).toEqual({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: promptResults });
    // Then the role chunk, "Hi", " there", the finish chunk and the usage chunk.
    expect(chunks).toHaveLength(6);
    expect(chunks[1].choices[0]).toMatchObject({ delta: { role: 'assistant', content: '' }, content_filter_results: {} });
    expect(chunks[2].choices[0]).toMatchObject({ delta: { content: 'Hi' }, content_filter_results: safeResults });
    expect(chunks[4].choices[0]).toMatchObject({ finish_reason: 'stop', content_filter_results: {} });
    expect(chunks[5]).toMatchObject({ choices: [], model: 'gpt-4o-2024-11-20', usage: { prompt_tokens: 100, completion_tokens: 20 } });
    expect(chunks.slice(1).every((c) => c.obfuscation === undefined && c.service_tier === undefined)).toBe(true);
  });

  it('embeds through a deployment, without content filter results', async () => {
    const result = await azure.embeddings.create({ model: 'text-embedding-3-small', input: 'Hello' });
    expect(sim.requests[0].path).toBe('/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21');
    expect(result.data[0].embedding).toHaveLength(1536);
    // "Hello" is 1 o200k token.
    expect(result.usage.prompt_tokens).toBe(1);
  });

  it('refuses a deployments path without api-version with 404 Resource not found', async () => {
    const res = await postJson(`${sim.azureEndpoint}/openai/deployments/support-bot/chat/completions`, { messages: hello });
    expect(res.status).toBe(404);
    expect(await readJson(res)).toEqual({ error: { code: '404', message: 'Resource not found' } });
  });

  it('answers scripted errors in Azure shape with its request headers', async () => {
    sim.enqueue({ status: 429 });
    const res = await postJson(`${sim.azureEndpoint}/openai/deployments/support-bot/chat/completions?api-version=2024-10-21`, { messages: hello });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.headers.get('apim-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await readJson(res)).error.code).toBe('429');
  });
});

describe('Azure OpenAI: v1 path', () => {
  it('answers /openai/v1/chat/completions with the deployment in the body', async () => {
    sim.enqueue({ text: 'Hi there', usage: { input: 10, output: 2 }, model: 'gpt-4.1-2025-04-14' });
    const res = await postJson(`${sim.azureEndpoint}/openai/v1/chat/completions`, { model: 'support-bot', messages: hello, stream: true }, { 'api-key': 'k' });
    const payloads = jsonPayloads(await readSse(res));
    expect(payloads[0]).toMatchObject({ choices: [], prompt_filter_results: [{ prompt_index: 0 }] });
    expect(payloads[1].model).toBe('gpt-4.1-2025-04-14');
  });

  it('answers /openai/v1/responses in the Responses shape', async () => {
    sim.enqueue({ text: 'Hi', usage: { input: 10, output: 2 }, model: 'gpt-4.1-2025-04-14' });
    const res = await postJson(`${sim.azureEndpoint}/openai/v1/responses`, { model: 'support-bot', input: 'Hello' }, { 'api-key': 'k' });
    expect(await readJson(res)).toMatchObject({ object: 'response', model: 'gpt-4.1-2025-04-14', usage: { input_tokens: 10, output_tokens: 2 } });
  });
});
