import { context, metrics, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCallTelemetry } from '../../src/telemetry/call-telemetry.js';
import { callErrorType } from '../../src/telemetry/call-attributes.js';
import { abortedStreamCall, chatCall, rateLimitedCall, T0 } from './calls.js';
import { inMemoryOtel, StackContextManager, type InMemoryOtel } from './in-memory-otel.js';

const OPENAI = { address: 'api.openai.com', port: 443 };
const T0_SECONDS = T0 / 1000; // 1736935200

let otel: InMemoryOtel;
let record: ReturnType<typeof createCallTelemetry>;
beforeEach(() => {
  otel = inMemoryOtel();
  record = createCallTelemetry({
    tracer: otel.tracerProvider.getTracer('test'),
    meter: otel.meterProvider.getMeter('test'),
    serverAddress: () => OPENAI,
  });
});
afterEach(async () => otel.shutdown());

describe('the span of a recorded call', () => {
  it('is a CLIENT span named after the operation and the requested model, timed from the record, with every GenAI attribute', () => {
    record(chatCall());
    const [span] = otel.spans();
    expect(otel.spans()).toHaveLength(1);
    expect(span!.name).toBe('chat gpt-4o-mini');
    expect(span!.kind).toBe(SpanKind.CLIENT);
    // startedAt T0, latency 250 ms: [s, ns] = [1736935200, 0] → [1736935200, 250,000,000].
    expect(span!.startTime).toEqual([T0_SECONDS, 0]);
    expect(span!.endTime).toEqual([T0_SECONDS, 250_000_000]);
    expect(span!.duration).toEqual([0, 250_000_000]);
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.parentSpanContext).toBeUndefined();
    expect(span!.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': 'chatcmpl-abc',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.conversation.id': 'conv-1',
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 300,
      'gen_ai.usage.cache_read.input_tokens': 1024,
      'gen_ai.usage.reasoning.output_tokens': 64,
      // No cache_creation: the call wrote 0 tokens to the cache, which the ledger cannot tell from "not reported".
      'gen_ai.usage.cost': 0.0002832,
      'server.address': 'api.openai.com',
      'server.port': 443,
      'cpr.call.id': 'call-1',
      'cpr.call.status': 'ok',
      'cpr.ticket.id': 'T-42',
      'cpr.usage.estimated': false,
    });
  });

  it('keeps the sub-millisecond part of the latency', () => {
    record(chatCall({ latencyMs: 250.5 }));
    expect(otel.spans()[0]!.endTime).toEqual([T0_SECONDS, 250_500_000]);
  });

  it('is a child of the span active when the recorder calls the listener', () => {
    const manager = new StackContextManager();
    context.setGlobalContextManager(manager);
    try {
      const parent = otel.tracerProvider.getTracer('app').startSpan('POST /chat');
      context.with(trace.setSpan(ROOT_CONTEXT, parent), () => record(chatCall()));
      parent.end();
      const child = otel.spans().find((s) => s.name.startsWith('chat '))!;
      expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
      expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    } finally {
      context.disable();
    }
  });

  it('has no cost attribute, rather than 0, when the call is unpriced', () => {
    record(chatCall({ responseModel: 'ft:gpt-4o-mini:acme:support:abc123', costUsd: null, prices: null }));
    const { attributes } = otel.spans()[0]!;
    expect(attributes).not.toHaveProperty('gen_ai.usage.cost');
    expect(attributes['gen_ai.usage.input_tokens']).toBe(1200);
  });

  it('is an ERROR span with error.type on an upstream error', () => {
    record(rateLimitedCall());
    const [span] = otel.spans();
    expect(span!.name).toBe('chat gpt-4o-mini');
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'rate_limit_exceeded' });
    expect(span!.attributes['error.type']).toBe('rate_limit_exceeded');
    expect(span!.attributes['cpr.call.status']).toBe('error');
    // No usage: no token counts at all. The cost is a known 0 (a failure without usage is not billed).
    expect(Object.keys(span!.attributes).filter((k) => k.startsWith('gen_ai.usage.'))).toEqual(['gen_ai.usage.cost']);
    expect(span!.attributes['gen_ai.usage.cost']).toBe(0);
    expect(span!.attributes).not.toHaveProperty('gen_ai.response.id');
    expect(span!.attributes).not.toHaveProperty('gen_ai.response.finish_reasons');
    expect(span!.endTime).toEqual([T0_SECONDS, 120_000_000]);
  });

  it('is an ERROR span on an aborted stream, flagged as estimated', () => {
    record(abortedStreamCall());
    const [span] = otel.spans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'client_disconnected' });
    expect(span!.attributes).toMatchObject({
      'error.type': 'client_disconnected',
      'cpr.call.status': 'aborted',
      'cpr.usage.estimated': true,
      'gen_ai.usage.input_tokens': 40,
      'gen_ai.usage.output_tokens': 12,
    });
    expect(span!.duration).toEqual([0, 900_000_000]);
  });

  it('names error.type after the HTTP status, else _OTHER, when the failure has no kind', () => {
    expect(callErrorType(rateLimitedCall({ errorType: null, httpStatus: 500 }))).toBe('500');
    expect(callErrorType(rateLimitedCall({ errorType: null, httpStatus: null }))).toBe('_OTHER');
    expect(callErrorType(chatCall())).toBeUndefined();
  });

  it('maps each operation and provider to the conventions\' well-known values', () => {
    record(chatCall({ operation: 'responses', requestModel: 'gpt-4.1-mini', responseModel: 'gpt-4.1-mini-2025-04-14' }));
    record(chatCall({ operation: 'completions', requestModel: 'gpt-3.5-turbo-instruct', responseModel: null }));
    record(chatCall({
      operation: 'messages', provider: 'anthropic', requestModel: 'claude-3-5-haiku-latest', responseModel: 'claude-3-5-haiku-20241022',
      usage: { inputTokens: 1000, cacheReadTokens: 200, cacheWriteTokens: 100, outputTokens: 50, reasoningTokens: 0 },
    }));
    record(chatCall({
      operation: 'embeddings', requestModel: 'text-embedding-3-small', responseModel: 'text-embedding-3-small', finishReasons: [],
      usage: { inputTokens: 8, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 },
    }));
    const [responses, completions, messages, embeddings] = otel.spans();
    expect(responses!.name).toBe('chat gpt-4.1-mini');
    expect(completions!.name).toBe('text_completion gpt-3.5-turbo-instruct');
    expect(completions!.attributes['gen_ai.operation.name']).toBe('text_completion');
    expect(messages!.name).toBe('chat claude-3-5-haiku-latest');
    expect(messages!.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.cache_read.input_tokens': 200,
      'gen_ai.usage.cache_creation.input_tokens': 100,
      'gen_ai.usage.output_tokens': 50,
    });
    expect(messages!.attributes).not.toHaveProperty('gen_ai.usage.reasoning.output_tokens');
    expect(embeddings!.name).toBe('embeddings text-embedding-3-small');
    expect(embeddings!.attributes['gen_ai.usage.input_tokens']).toBe(8);
    expect(embeddings!.attributes).not.toHaveProperty('gen_ai.usage.output_tokens');
  });

  it('never throws into the recorder', () => {
    const broken = createCallTelemetry({
      tracer: { startSpan() { throw new Error('exporter on fire'); } } as unknown as Tracer,
      meter: otel.meterProvider.getMeter('test'),
    });
    expect(() => broken(chatCall())).not.toThrow();
    const badServer = createCallTelemetry({ tracer: otel.tracerProvider.getTracer('test'), serverAddress: () => { throw new Error('no url'); } });
    expect(() => badServer(chatCall())).not.toThrow();
  });
});

describe('the default tracer and meter', () => {
  afterEach(() => {
    trace.disable();
    metrics.disable();
  });

  it('are the global ones, even when the SDK is registered after the listener is made', async () => {
    const listener = createCallTelemetry();
    trace.setGlobalTracerProvider(otel.tracerProvider);
    metrics.setGlobalMeterProvider(otel.meterProvider);
    listener(chatCall());
    const span = otel.spans()[0]!;
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.instrumentationScope.name).toBe('cpr-meter');
    const collected = await otel.collect();
    expect(collected.get('gen_ai.client.operation.duration')).toBeDefined();
  });
});
