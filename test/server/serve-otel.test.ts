import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyHarness } from '../support/proxy-harness.js';

/** A minimal OTLP/HTTP JSON collector on loopback: keeps every export request body it gets. */
let collector: Server;
const received: Array<{ path: string; body: any }> = [];
const saved = { ...process.env };

beforeAll(async () => {
  collector = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(text || '{}') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const { port } = collector.address() as AddressInfo;
  // The standard variables a user sets; the SDK reads them from the process environment.
  Object.assign(process.env, {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_LOGS_EXPORTER: 'none',
    OTEL_SERVICE_NAME: 'support-proxy',
  });
});
afterAll(async () => {
  process.env = saved;
  await new Promise<void>((resolve) => collector.close(() => resolve()));
});

describe('serve --otel', () => {
  it('exports GenAI spans and metrics over OTLP as configured by the OTEL_* variables', async () => {
    const h = await startProxyHarness({ otel: true });
    // 1,200 input (1,024 cached) + 300 output on gpt-4o-mini = $0.0002832 (see test/proxy/chat.test.ts).
    h.sim.enqueue({ text: 'Exported.', usage: { input: 1200, cacheRead: 1024, output: 300 } });
    await h.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-cpr-conversation-id': 'otel-1' } });
    await h.close(); // shutting down flushes both exporters

    const spans = received.filter((r) => r.path === '/v1/traces').flatMap((r) => r.body.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans)));
    const span = spans.find((s: any) => s.name === 'chat gpt-4o-mini');
    expect(span).toBeDefined();
    const attrs = Object.fromEntries(span.attributes.map((a: any) => [a.key, Object.values(a.value)[0]]));
    expect(attrs).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.conversation.id': 'otel-1',
      'server.address': '127.0.0.1',
    });
    expect(Number(attrs['gen_ai.usage.input_tokens'])).toBe(1200);
    expect(Number(attrs['gen_ai.usage.cache_read.input_tokens'])).toBe(1024);
    expect(Number(attrs['gen_ai.usage.output_tokens'])).toBe(300);
    expect(attrs['gen_ai.usage.cost']).toBeCloseTo(0.0002832, 12);
    const resource = received.find((r) => r.path === '/v1/traces')!.body.resourceSpans[0].resource.attributes;
    expect(resource.find((a: any) => a.key === 'service.name').value.stringValue).toBe('support-proxy');

    const metricNames = received.filter((r) => r.path === '/v1/metrics')
      .flatMap((r) => r.body.resourceMetrics.flatMap((rm: any) => rm.scopeMetrics.flatMap((sm: any) => sm.metrics.map((m: any) => m.name))));
    expect(metricNames).toEqual(expect.arrayContaining(['gen_ai.client.token.usage', 'gen_ai.client.operation.duration', 'cpr.llm.cost']));
  });
});
