import { generateText, wrapLanguageModel } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { aiSdkMiddleware } from '../../src/ai-sdk/index.js';
import { eventually } from '../support/proxy-harness.js';
import { useWrapperHarness } from '../wrapper/wrapper-harness.js';

// Bedrock and Vertex AI have no way through the proxy (SigV4 signing; OAuth and per-project
// paths), only the AI SDK's providers, which are not installed here. These tests give the
// middleware a model with those providers' ids and AI SDK 7's result shape (the AI SDK's own
// MockLanguageModelV4), to check what the ledger makes of them: the provider, the model's price.
// They do not show that @ai-sdk/amazon-bedrock or @ai-sdk/google-vertex report usage this way.

const h = useWrapperHarness();

function model(provider: string, modelId: string, usage: { input: number; output: number; reasoning?: number }) {
  return new MockLanguageModelV4({
    provider,
    modelId,
    doGenerate: {
      content: [{ type: 'text', text: 'Answered.' }],
      finishReason: { unified: 'stop', raw: 'end_turn' },
      usage: {
        inputTokens: { total: usage.input, noCache: usage.input, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: usage.output, text: usage.output - (usage.reasoning ?? 0), reasoning: usage.reasoning ?? 0 },
      },
      warnings: [],
    },
  });
}

describe('providers reached only in process, through the AI SDK', () => {
  it('Bedrock (amazon-bedrock): recorded as aws, priced at Bedrock\'s price for the model id', async () => {
    const middleware = aiSdkMiddleware({ recorder: h.recorder, prices: h.prices, conversationId: 'bedrock-1' });
    await generateText({ model: wrapLanguageModel({ model: model('amazon-bedrock', 'us.anthropic.claude-sonnet-4-20250514-v1:0', { input: 1000, output: 100 }), middleware }), prompt: 'hi' });
    const row = await eventually(() => h.rows().find((r) => r.conversation_id === 'bedrock-1'));
    expect(row).toMatchObject({ source: 'ai-sdk', upstream_provider: 'aws', request_model: 'us.anthropic.claude-sonnet-4-20250514-v1:0', input_tokens: 1000, output_tokens: 100 });
    expect(String(row.price_source)).toMatch(/^genai-prices:aws\//);
    // Claude Sonnet 4 on Bedrock: 3 input, 15 output per million: 1000 x 3 + 100 x 15 = 4500 per million.
    expect(row).toMatchObject({ price_input: 3, price_output: 15 });
    expect(row.cost_usd).toBeCloseTo(0.0045, 12);
  });

  it('Vertex AI (google.vertex.chat): recorded as google-vertex, Gemini\'s wire format, priced at Google\'s price', async () => {
    const middleware = aiSdkMiddleware({ recorder: h.recorder, prices: h.prices, conversationId: 'vertex-1' });
    await generateText({ model: wrapLanguageModel({ model: model('google.vertex.chat', 'gemini-2.5-flash', { input: 1000, output: 50, reasoning: 30 }), middleware }), prompt: 'hi' });
    const row = await eventually(() => h.rows().find((r) => r.conversation_id === 'vertex-1'));
    expect(row).toMatchObject({ provider: 'gemini', operation: 'generate_content', upstream_provider: 'google-vertex', input_tokens: 1000, output_tokens: 50, reasoning_tokens: 30 });
    // gemini-2.5-flash: 0.3 input, 2.5 output (thinking included): 1000 x 0.3 + 50 x 2.5 = 425 per million.
    expect(row.cost_usd).toBeCloseTo(0.000425, 12);
  });

  it("Google's models/ prefix on a model id (the AI SDK's Google provider takes both) is not part of the model's name", async () => {
    const middleware = aiSdkMiddleware({ recorder: h.recorder, prices: h.prices, conversationId: 'google-prefix' });
    await generateText({ model: wrapLanguageModel({ model: model('google.generative-ai', 'models/gemini-2.5-flash', { input: 1000, output: 50, reasoning: 30 }), middleware }), prompt: 'hi' });
    const row = await eventually(() => h.rows().find((r) => r.conversation_id === 'google-prefix'));
    expect(row).toMatchObject({ provider: 'gemini', upstream_provider: 'google', request_model: 'gemini-2.5-flash', price_source: 'genai-prices:google/gemini-2.5-flash' });
    // 1000 x 0.3 + 50 x 2.5 = 425 per million.
    expect(row.cost_usd).toBeCloseTo(0.000425, 12);
  });
});
