import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulatedUpstream } from '../../src/simulator/index.js';
import type { SimulatedUpstream } from '../../src/simulator/index.js';
import { postJson, readJson } from './http-helpers.js';

// @google/genai 3.x calls the v1 API by default (`/v1/models/...`); the AI SDK's Google provider
// calls v1beta. The simulator answers both.
// Shapes checked against the Gemini API reference: https://ai.google.dev/api/generate-content
// (GenerateContentResponse, UsageMetadata) and the @google/genai client's own parsing.

let sim: SimulatedUpstream;
let genai: GoogleGenAI;

beforeAll(async () => {
  sim = await startSimulatedUpstream();
  genai = new GoogleGenAI({ apiKey: 'gemini-test-key', httpOptions: { baseUrl: sim.geminiBaseUrl } });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

// Scripted usage: input 1000 of which 200 cached, output 50 of which 30 thinking.
// Gemini: promptTokenCount 1000 (includes the cache), cachedContentTokenCount 200,
// candidatesTokenCount 50 - 30 = 20 (excludes the thoughts), thoughtsTokenCount 30,
// totalTokenCount 1000 + 20 + 30 = 1050.
const scripted = { text: 'The quick brown fox', usage: { input: 1000, cacheRead: 200, output: 50, reasoning: 30 } };
const expectedUsage = {
  promptTokenCount: 1000,
  candidatesTokenCount: 20,
  totalTokenCount: 1050,
  cachedContentTokenCount: 200,
  promptTokensDetails: [{ modality: 'TEXT', tokenCount: 1000 }],
  cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 200 }],
  thoughtsTokenCount: 30,
};

describe('Gemini native API: generateContent', () => {
  it('answers @google/genai with candidates, usageMetadata and modelVersion; the key goes in x-goog-api-key', async () => {
    sim.enqueue(scripted);
    const response = await genai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Where is my parcel?' });
    expect(response.text).toBe('The quick brown fox');
    expect(response.modelVersion).toBe('gemini-2.5-flash');
    expect(response.responseId).toMatch(/^[A-Za-z0-9]{23}$/);
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(response.usageMetadata).toEqual(expectedUsage);
    expect(sim.requests[0].path).toBe('/v1/models/gemini-2.5-flash:generateContent');
    expect(sim.requests[0].headers['x-goog-api-key']).toBe('gemini-test-key');
    expect(JSON.parse(sim.requests[0].body)).toMatchObject({ contents: [{ parts: [{ text: 'Where is my parcel?' }], role: 'user' }] });
  });

  it('answers the v1beta path that the AI SDK and older clients call', async () => {
    sim.enqueue(scripted);
    const beta = new GoogleGenAI({ apiKey: 'gemini-test-key', apiVersion: 'v1beta', httpOptions: { baseUrl: sim.geminiBaseUrl } });
    const response = await beta.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hello' });
    expect(sim.requests[0].path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(response.usageMetadata).toEqual(expectedUsage);
  });

  it('counts an unscripted prompt, adds 64 thinking tokens for Gemini 2.5 and none with thinkingBudget 0', async () => {
    const thinking = await genai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hello', config: { systemInstruction: 'Hi' } });
    // Prompt as for every provider: 3 + (3 + "system" 1 + "Hi" 1) + (3 + "user" 1 + "Hello" 1) = 13.
    expect(thinking.usageMetadata?.promptTokenCount).toBe(13);
    expect(thinking.usageMetadata?.thoughtsTokenCount).toBe(64);
    const total = thinking.usageMetadata?.totalTokenCount ?? 0;
    expect(total).toBe(13 + 64 + (thinking.usageMetadata?.candidatesTokenCount ?? 0));

    const plain = await genai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hello', config: { thinkingConfig: { thinkingBudget: 0 } } });
    expect(plain.usageMetadata?.thoughtsTokenCount).toBeUndefined();
  });

  it('stops at maxOutputTokens with finishReason MAX_TOKENS', async () => {
    sim.enqueue({ text: 'The quick brown fox' });
    const response = await genai.models.generateContent({ model: 'gemini-2.0-flash', contents: 'Hello', config: { maxOutputTokens: 2 } });
    expect(response.text).toBe('The quick');
    expect(response.candidates?.[0]?.finishReason).toBe('MAX_TOKENS');
    expect(response.usageMetadata?.candidatesTokenCount).toBe(2);
  });

  it('sends a scripted rawUsage as is (toolUsePromptTokenCount)', async () => {
    const rawUsage = { promptTokenCount: 10, candidatesTokenCount: 5, toolUsePromptTokenCount: 7, totalTokenCount: 22 };
    sim.enqueue({ text: 'ok', rawUsage });
    const response = await genai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'Hello' });
    expect(response.usageMetadata).toEqual(rawUsage);
  });
});

describe('Gemini native API: streamGenerateContent', () => {
  it('streams SSE chunks (CRLF CRLF) to @google/genai; only the last carries the finish reason and the whole usage', async () => {
    sim.enqueue(scripted);
    const chunks = [];
    for await (const chunk of await genai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Hello' })) chunks.push(chunk);
    expect(sim.requests[0].path).toBe('/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    // Four words, one chunk each, then the closing chunk with empty text.
    expect(chunks).toHaveLength(5);
    expect(chunks.map((c) => c.text ?? '').join('')).toBe('The quick brown fox');
    expect(chunks[0].usageMetadata).toEqual({ promptTokenCount: 1000, totalTokenCount: 1000, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 1000 }] });
    expect(chunks[0].candidates?.[0]?.finishReason).toBeUndefined();
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(chunks.at(-1)?.usageMetadata).toEqual(expectedUsage);
    expect(new Set(chunks.map((c) => c.responseId)).size).toBe(1);
  });

  it('frames each event as data: JSON CRLF CRLF, as the real API does', async () => {
    sim.enqueue({ text: 'Hi there', usage: { input: 5, output: 2 } });
    const res = await postJson(`${sim.geminiBaseUrl}/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse`, { contents: [{ role: 'user', parts: [{ text: 'Hello' }] }] });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = (await res.text()).split('\r\n\r\n');
    expect(events.at(-1)).toBe('');
    expect(events.slice(0, -1).every((e) => e.startsWith('data: {'))).toBe(true);
    expect(events).toHaveLength(4);
  });

  it('answers without alt=sse with one JSON array of the same chunks', async () => {
    sim.enqueue({ text: 'Hi there', usage: { input: 5, output: 2 } });
    const res = await postJson(`${sim.geminiBaseUrl}/v1beta/models/gemini-2.0-flash:streamGenerateContent`, { contents: [{ role: 'user', parts: [{ text: 'Hello' }] }] });
    const body = await readJson(res);
    expect(body).toHaveLength(3);
    expect(body[2].usageMetadata).toEqual({ promptTokenCount: 5, candidatesTokenCount: 2, totalTokenCount: 7, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 5 }] });
  });
});

describe('Gemini native API: countTokens, embeddings and errors', () => {
  it('counts tokens for @google/genai', async () => {
    const counted = await genai.models.countTokens({ model: 'gemini-2.5-flash', contents: 'Hello' });
    // 3 + (3 + "user" 1 + "Hello" 1) = 8
    expect(counted.totalTokens).toBe(8);
    expect(sim.requests[0].path).toBe('/v1/models/gemini-2.5-flash:countTokens');
  });

  it('embeds one and several contents (no usage in the answer, as on the real API)', async () => {
    const one = await genai.models.embedContent({ model: 'gemini-embedding-001', contents: 'Hello' });
    expect(one.embeddings?.[0]?.values).toHaveLength(3072);
    const many = await genai.models.embedContent({ model: 'text-embedding-004', contents: ['Hello', 'World'] });
    expect(many.embeddings?.map((e) => e.values?.length)).toEqual([768, 768]);
    expect(sim.requests.map((r) => r.path)).toEqual(['/v1/models/gemini-embedding-001:batchEmbedContents', '/v1/models/text-embedding-004:batchEmbedContents']);
  });

  it('answers scripted errors in Google shape: 429 RESOURCE_EXHAUSTED, which @google/genai throws', async () => {
    sim.enqueue({ status: 429 });
    const res = await postJson(`${sim.geminiBaseUrl}/v1beta/models/gemini-2.5-flash:generateContent`, { contents: [] });
    expect(res.status).toBe(429);
    expect(await readJson(res)).toEqual({ error: { code: 429, message: expect.stringContaining('quota'), status: 'RESOURCE_EXHAUSTED' } });
    sim.enqueue({ status: 404 });
    await expect(genai.models.generateContent({ model: 'gemini-9', contents: 'Hello' })).rejects.toThrow(/models\/gemini-9 is not found/);
  });

  it('answers an unknown method and malformed JSON in Google shape', async () => {
    const unknown = await postJson(`${sim.geminiBaseUrl}/v1beta/models/gemini-2.5-flash:nope`, {});
    expect(unknown.status).toBe(404);
    expect((await readJson(unknown)).error.status).toBe('NOT_FOUND');
    const malformed = await postJson(`${sim.geminiBaseUrl}/v1beta/models/gemini-2.5-flash:generateContent`, '{nope');
    expect(malformed.status).toBe(400);
    expect((await readJson(malformed)).error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
  });
});
