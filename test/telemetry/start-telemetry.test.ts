import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCallTelemetry } from '../../src/telemetry/call-telemetry.js';
import { startTelemetry } from '../../src/telemetry/start-telemetry.js';
import { chatCall } from './calls.js';

/** An in-memory exporter that keeps its spans when shut down, so a test can read them after `shutdown()` flushed them. */
class KeepingSpanExporter extends InMemorySpanExporter {
  override shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
  async metricNames(): Promise<string[]> {
    const { resourceMetrics } = await this.collect();
    return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.map((m: MetricData) => m.descriptor.name));
  }
}

async function serviceNameOf(span: ReadableSpan): Promise<unknown> {
  await span.resource.waitForAsyncAttributes?.();
  return span.resource.attributes['service.name'];
}

beforeEach(() => {
  // No log exporter: nothing here logs, and nothing should try to reach a collector.
  vi.stubEnv('OTEL_LOGS_EXPORTER', 'none');
  vi.stubEnv('OTEL_SERVICE_NAME', undefined);
  vi.stubEnv('OTEL_RESOURCE_ATTRIBUTES', undefined);
  vi.stubEnv('OTEL_SDK_DISABLED', undefined);
});
afterEach(() => {
  vi.unstubAllEnvs();
  // The SDK registers itself globally; leave nothing behind for the next test.
  trace.disable();
  metrics.disable();
  context.disable();
  propagation.disable();
});

describe('startTelemetry', () => {
  it('registers an SDK that exports spans and metrics made through the API, and flushes them on shutdown', async () => {
    const traceExporter = new KeepingSpanExporter();
    const metricReader = new CollectingReader();
    const telemetry = await startTelemetry({ traceExporter, metricReader });

    trace.getTracer('app').startSpan('POST /chat').end();
    createCallTelemetry()(chatCall());
    expect(await metricReader.metricNames()).toEqual(expect.arrayContaining([
      'gen_ai.client.token.usage', 'gen_ai.client.operation.duration', 'cpr.llm.cost',
    ]));

    // Spans are batched (OTEL_BSP_SCHEDULE_DELAY, 5 s by default): shutdown must flush them.
    await telemetry.shutdown();
    await telemetry.shutdown(); // a second call is harmless
    const spans = traceExporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['POST /chat', 'chat gpt-4o-mini']);
    expect(await serviceNameOf(spans[0]!)).toBe('cpr-meter');
    expect(spans[1]!.instrumentationScope.name).toBe('cpr-meter');
  });

  it('takes the service name from OTEL_RESOURCE_ATTRIBUTES', async () => {
    vi.stubEnv('OTEL_RESOURCE_ATTRIBUTES', 'deployment.environment=prod,service.name=helpdesk');
    const traceExporter = new KeepingSpanExporter();
    const telemetry = await startTelemetry({ traceExporter, metricReader: new CollectingReader() });
    trace.getTracer('app').startSpan('a').end();
    await telemetry.shutdown();
    expect(await serviceNameOf(traceExporter.getFinishedSpans()[0]!)).toBe('helpdesk');
  });

  it('takes the service name from OTEL_SERVICE_NAME, and the option over both', async () => {
    vi.stubEnv('OTEL_SERVICE_NAME', 'support-bot');
    const fromEnv = new KeepingSpanExporter();
    let telemetry = await startTelemetry({ traceExporter: fromEnv, metricReader: new CollectingReader() });
    trace.getTracer('app').startSpan('a').end();
    await telemetry.shutdown();
    expect(await serviceNameOf(fromEnv.getFinishedSpans()[0]!)).toBe('support-bot');

    trace.disable();
    metrics.disable();
    const fromOption = new KeepingSpanExporter();
    telemetry = await startTelemetry({ serviceName: 'cpr-proxy', traceExporter: fromOption, metricReader: new CollectingReader() });
    trace.getTracer('app').startSpan('b').end();
    await telemetry.shutdown();
    expect(await serviceNameOf(fromOption.getFinishedSpans()[0]!)).toBe('cpr-proxy');
  });

  it('does nothing when OTEL_SDK_DISABLED is set', async () => {
    vi.stubEnv('OTEL_SDK_DISABLED', 'true');
    const traceExporter = new KeepingSpanExporter();
    const telemetry = await startTelemetry({ traceExporter, metricReader: new CollectingReader() });
    trace.getTracer('app').startSpan('ignored').end();
    await telemetry.shutdown();
    expect(traceExporter.getFinishedSpans()).toEqual([]);
  });
});
