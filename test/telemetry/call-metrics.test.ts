import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCallTelemetry } from '../../src/telemetry/call-telemetry.js';
import { DURATION_BUCKETS, TOKEN_USAGE_BUCKETS } from '../../src/telemetry/semconv.js';
import { abortedStreamCall, chatCall, rateLimitedCall } from './calls.js';
import { histogramOf, inMemoryOtel, pointOf, type InMemoryOtel } from './in-memory-otel.js';

const GPT = 'gpt-4o-mini-2024-07-18';
const CLAUDE = 'claude-3-5-haiku-20241022';

let otel: InMemoryOtel;
let record: ReturnType<typeof createCallTelemetry>;
beforeEach(() => {
  otel = inMemoryOtel();
  record = createCallTelemetry({
    tracer: otel.tracerProvider.getTracer('test'),
    meter: otel.meterProvider.getMeter('test'),
    serverAddress: () => ({ address: 'api.openai.com', port: 443 }),
  });
});
afterEach(async () => otel.shutdown());

/** A second, small call of the same model: 50 in, 20 out; 50 x 0.15 + 20 x 0.6 = 7.5 + 12 = 19.5 / 1M. */
const smallCall = () => chatCall({
  id: 'call-2', conversationId: 'conv-2', ticketId: null,
  usage: { inputTokens: 50, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 20, reasoningTokens: 0 },
  costUsd: 0.0000195, latencyMs: 1500,
});

describe('gen_ai.client.token.usage', () => {
  it('records input and output once per call, by gen_ai.token.type, in the conventions\' buckets', async () => {
    record(chatCall());
    record(smallCall());
    const usage = (await otel.collect()).get('gen_ai.client.token.usage');
    expect(usage!.descriptor.unit).toBe('{token}');
    // Input: 1200 + 50 = 1250 over 2 calls; output: 300 + 20 = 320.
    const input = histogramOf(usage, { 'gen_ai.token.type': 'input' });
    expect(input).toMatchObject({ sum: 1250, count: 2, min: 50, max: 1200 });
    const output = histogramOf(usage, { 'gen_ai.token.type': 'output' });
    expect(output).toMatchObject({ sum: 320, count: 2, min: 20, max: 300 });
    expect(input.buckets.boundaries).toEqual(TOKEN_USAGE_BUCKETS);
    // 50 falls in (16, 64], bucket 3; 1200 in (1024, 4096], bucket 6.
    expect(input.buckets.counts[3]).toBe(1);
    expect(input.buckets.counts[6]).toBe(1);
  });

  it('records nothing for a call without usage, and no output for an embedding', async () => {
    record(rateLimitedCall());
    record(chatCall({
      operation: 'embeddings', requestModel: 'text-embedding-3-small', responseModel: 'text-embedding-3-small',
      usage: { inputTokens: 8, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 },
    }));
    const usage = (await otel.collect()).get('gen_ai.client.token.usage');
    expect(usage!.dataPoints).toHaveLength(1);
    expect(pointOf(usage, { 'gen_ai.token.type': 'input', 'gen_ai.operation.name': 'embeddings' }).value).toMatchObject({ sum: 8, count: 1 });
  });
});

describe('gen_ai.client.operation.duration', () => {
  it('records the latency in seconds, with low-cardinality attributes only', async () => {
    record(chatCall());
    const duration = (await otel.collect()).get('gen_ai.client.operation.duration');
    expect(duration!.descriptor.unit).toBe('s');
    const point = pointOf(duration);
    // latencyMs 250 → 0.25 s, in (0.16, 0.32], bucket 5.
    expect(point.value).toMatchObject({ sum: 0.25, count: 1 });
    expect(histogramOf(duration).buckets.boundaries).toEqual(DURATION_BUCKETS);
    expect(histogramOf(duration).buckets.counts[5]).toBe(1);
    // No conversation, ticket or call id on a metric.
    expect(point.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': GPT,
      'server.address': 'api.openai.com',
      'server.port': 443,
    });
  });

  it('carries error.type on failures', async () => {
    record(chatCall());
    record(rateLimitedCall());
    const duration = (await otel.collect()).get('gen_ai.client.operation.duration');
    expect(duration!.dataPoints).toHaveLength(2);
    const failed = pointOf(duration, { 'error.type': 'rate_limit_exceeded' });
    expect(failed.value).toMatchObject({ sum: 0.12, count: 1 });
    expect(failed.attributes).not.toHaveProperty('gen_ai.response.model');
  });
});

describe('gen_ai.client.operation.time_to_first_chunk', () => {
  it('records streams only, in seconds, aborted ones included', async () => {
    record(chatCall());
    record(abortedStreamCall());
    record(abortedStreamCall({ id: 'call-ok-stream', status: 'ok', errorType: null, timeToFirstChunkMs: 420 }));
    const ttfc = (await otel.collect()).get('gen_ai.client.operation.time_to_first_chunk');
    expect(ttfc!.descriptor.unit).toBe('s');
    // 180 ms (aborted) and 420 ms (completed) → 0.18 s and 0.42 s; the non-streamed call adds nothing.
    expect(histogramOf(ttfc, { 'error.type': 'client_disconnected' })).toMatchObject({ sum: 0.18, count: 1 });
    const all = ttfc!.dataPoints.map((p) => p.value as { count: number }).reduce((n, h) => n + h.count, 0);
    expect(all).toBe(2);
    expect(histogramOf(ttfc, { 'error.type': 'client_disconnected' }).buckets.boundaries).toEqual(DURATION_BUCKETS);
  });
});

describe('cpr.llm.cost and cpr.llm.unpriced_calls', () => {
  it('sum the spend by model and provider, and count the unpriced calls apart', async () => {
    record(chatCall());
    record(smallCall());
    record(chatCall({ id: 'call-3', provider: 'anthropic', operation: 'messages', requestModel: 'claude-3-5-haiku-latest', responseModel: CLAUDE, costUsd: 0.0031 }));
    record(chatCall({ id: 'call-4', responseModel: 'ft:gpt-4o-mini:acme:support:abc123', costUsd: null, prices: null }));
    const collected = await otel.collect();
    const cost = collected.get('cpr.llm.cost');
    expect(cost!.descriptor.unit).toBe('USD');
    // 0.0002832 + 0.0000195 = 0.0003027.
    expect(pointOf(cost, { 'gen_ai.response.model': GPT, 'gen_ai.provider.name': 'openai' }).value).toBeCloseTo(0.0003027, 12);
    expect(pointOf(cost, { 'gen_ai.response.model': CLAUDE, 'gen_ai.provider.name': 'anthropic' }).value).toBeCloseTo(0.0031, 12);
    expect(cost!.dataPoints).toHaveLength(2);
    const unpriced = collected.get('cpr.llm.unpriced_calls');
    expect(unpriced!.dataPoints).toHaveLength(1);
    expect(pointOf(unpriced, { 'gen_ai.response.model': 'ft:gpt-4o-mini:acme:support:abc123' }).value).toBe(1);
  });
});
