import { embed, generateText, wrapLanguageModel } from 'ai';
import { MockEmbeddingModelV4, MockLanguageModelV4 } from 'ai/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiSdkEmbeddingMiddleware, aiSdkMiddleware, wrapEmbeddingModel } from '../../src/ai-sdk/index.js';
import { createCallTelemetry } from '../../src/telemetry/call-telemetry.js';
import { eventually } from '../support/proxy-harness.js';
import { useWrapperHarness } from '../wrapper/wrapper-harness.js';
import { inMemoryOtel, type InMemoryOtel } from './in-memory-otel.js';

// The spans of calls recorded in process by the AI SDK middleware, for the providers reached only
// that way: `gen_ai.provider.name` is the conventions' well-known value for Bedrock (`aws.bedrock`)
// and Vertex AI (`gcp.vertex_ai`, Gemini or Claude), as @opentelemetry/semantic-conventions 1.45
// spells them (GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK, GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI).
// The models are the AI SDK's own mock models with those providers' ids (the providers are not
// installed here).

const h = useWrapperHarness();
let otel: InMemoryOtel;
beforeAll(() => {
  otel = inMemoryOtel();
  h.recorder.onCall(createCallTelemetry({ tracer: otel.tracerProvider.getTracer('test'), meter: otel.meterProvider.getMeter('test') }));
});
afterAll(async () => otel.shutdown());

function model(provider: string, modelId: string) {
  return new MockLanguageModelV4({
    provider,
    modelId,
    doGenerate: {
      content: [{ type: 'text', text: 'Answered.' }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } },
      warnings: [],
    },
  });
}

async function spanOf(conversationId: string) {
  return eventually(() => otel.spans().find((s) => s.attributes['gen_ai.conversation.id'] === conversationId));
}

describe('gen_ai.provider.name of calls recorded by the AI SDK middleware', () => {
  it.each([
    ['amazon-bedrock', 'us.anthropic.claude-sonnet-4-20250514-v1:0', 'aws.bedrock', 'chat'],
    ['google.vertex.chat', 'gemini-2.5-flash', 'gcp.vertex_ai', 'generate_content'],
    ['vertex.anthropic.messages', 'claude-sonnet-4@20250514', 'gcp.vertex_ai', 'chat'],
    ['google.generative-ai', 'gemini-2.5-flash', 'gcp.gemini', 'generate_content'],
    ['openai.chat', 'gpt-4o-mini', 'openai', 'chat'],
  ])('%s (%s) is %s', async (provider, modelId, name, operation) => {
    const conversationId = `names-${provider}`;
    const middleware = aiSdkMiddleware({ recorder: h.recorder, prices: h.prices, conversationId });
    await generateText({ model: wrapLanguageModel({ model: model(provider, modelId), middleware }), prompt: 'hi' });
    const span = await spanOf(conversationId);
    expect(span.attributes).toMatchObject({ 'gen_ai.provider.name': name, 'gen_ai.operation.name': operation, 'gen_ai.request.model': modelId });
  });

  it('an embedding on Bedrock is aws.bedrock too', async () => {
    const embedder = new MockEmbeddingModelV4({ provider: 'amazon-bedrock', modelId: 'amazon.titan-embed-text-v2:0', doEmbed: { embeddings: [[0.1, 0.2]], usage: { tokens: 3 }, warnings: [] } });
    const middleware = aiSdkEmbeddingMiddleware({ recorder: h.recorder, prices: h.prices, conversationId: 'names-titan' });
    await embed({ model: wrapEmbeddingModel({ model: embedder, middleware }), value: 'refund' });
    const span = await spanOf('names-titan');
    expect(span.attributes).toMatchObject({ 'gen_ai.provider.name': 'aws.bedrock', 'gen_ai.operation.name': 'embeddings' });
  });
});
