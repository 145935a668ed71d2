import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallTelemetry } from '../../src/telemetry/call-telemetry.js';
import { eventually, startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';
import { histogramOf, inMemoryOtel, pointOf, type InMemoryOtel } from './in-memory-otel.js';

// gpt-4o-mini in the bundled price database: 0.15 input, 0.075 cached input, 0.6 output (USD / 1M).
// Scripted usage: 1,200 input of which 1,024 cached, 300 output.
// (1200 - 1024) x 0.15 + 1024 x 0.075 + 300 x 0.6 = 26.4 + 76.8 + 180 = 283.2 per million = $0.0002832.
const USAGE = { input: 1200, cacheRead: 1024, output: 300 };
const COST = 0.0002832;

let h: ProxyHarness;
let otel: InMemoryOtel;
let upstream: URL;
beforeAll(async () => {
  h = await startProxyHarness();
  otel = inMemoryOtel();
  upstream = new URL(h.sim.openaiBaseUrl);
  h.cpr.recorder.onCall(createCallTelemetry({
    tracer: otel.tracerProvider.getTracer('cpr-meter'),
    meter: otel.meterProvider.getMeter('cpr-meter'),
    serverAddress: () => ({ address: upstream.hostname, port: Number(upstream.port) }),
  }));
});
afterAll(async () => {
  await h.close();
  await otel.shutdown();
});

describe('a streamed chat call through the proxy', () => {
  it('arrives in the exporters as a GenAI span and metrics that agree with its ledger row', async () => {
    h.sim.enqueue({ text: 'Your refund was issued today.', usage: USAGE });
    const stream = await h.client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is my refund?' }], stream: true },
      { headers: { 'x-cpr-conversation-id': 'conv-otel', 'x-cpr-ticket-id': 'T-7' } },
    );
    let responseId = '';
    for await (const chunk of stream) responseId = chunk.id;

    const span = await eventually(() => otel.spans().find((s) => s.attributes['gen_ai.conversation.id'] === 'conv-otel'));
    const row = h.row(String(span.attributes['cpr.call.id']));
    expect(row).toMatchObject({ conversation_id: 'conv-otel', streamed: 1, status: 'ok' });

    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': responseId,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.cache_read.input_tokens': 1024,
      'gen_ai.usage.output_tokens': 300,
      'server.address': '127.0.0.1',
      'server.port': Number(upstream.port),
      'cpr.ticket.id': 'T-7',
      'cpr.call.status': 'ok',
      'cpr.usage.estimated': false,
    });
    expect(span.attributes['gen_ai.usage.cost']).toBeCloseTo(COST, 12);
    // The span is timed from the row: it starts at started_at (ms) and lasts latency_ms.
    const startMs = span.startTime[0] * 1000 + span.startTime[1] / 1e6;
    const durationMs = span.duration[0] * 1000 + span.duration[1] / 1e6;
    expect(startMs).toBeCloseTo(Number(row.started_at), 3);
    expect(durationMs).toBeCloseTo(Number(row.latency_ms), 3);

    const collected = await otel.collect();
    const usage = collected.get('gen_ai.client.token.usage');
    expect(histogramOf(usage, { 'gen_ai.token.type': 'input' })).toMatchObject({ sum: 1200, count: 1 });
    expect(histogramOf(usage, { 'gen_ai.token.type': 'output' })).toMatchObject({ sum: 300, count: 1 });
    const ttfc = histogramOf(collected.get('gen_ai.client.operation.time_to_first_chunk'));
    expect(ttfc.count).toBe(1);
    expect(ttfc.sum).toBeCloseTo(Number(row.ttfc_ms) / 1000, 9);
    const duration = histogramOf(collected.get('gen_ai.client.operation.duration'), { 'server.address': '127.0.0.1' });
    expect(duration.count).toBe(1);
    expect(duration.sum).toBeCloseTo(Number(row.latency_ms) / 1000, 9);
    expect(pointOf(collected.get('cpr.llm.cost'), { 'gen_ai.response.model': 'gpt-4o-mini-2024-07-18' }).value).toBeCloseTo(COST, 12);
    expect(pointOf(collected.get('cpr.llm.cost')).attributes).not.toHaveProperty('gen_ai.conversation.id');
  });
});
