import {
  context,
  createNoopMeter,
  diag,
  metrics,
  ProxyTracerProvider,
  SpanKind,
  SpanStatusCode,
  trace,
  ValueType,
  type Counter,
  type Histogram,
  type HrTime,
  type Meter,
  type MeterProvider,
  type Tracer,
} from '@opentelemetry/api';
import { version } from '../cli/version.js';
import type { CallListener } from '../ledger/call-recorder.js';
import type { LlmCall } from '../ledger/types.js';
import { callErrorType, callMetricAttributes, callSpanAttributes, callSpanName, type ServerAddress } from './call-attributes.js';
import {
  ATTR_GEN_AI_TOKEN_TYPE,
  DURATION_BUCKETS,
  INSTRUMENTATION_SCOPE,
  METRIC_CPR_LLM_COST,
  METRIC_CPR_LLM_UNPRICED_CALLS,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  TOKEN_USAGE_BUCKETS,
} from './semconv.js';

/** Options of {@link createCallTelemetry}. */
export interface CallTelemetryOptions {
  /** Tracer for the call spans. Default: `trace.getTracer('cpr-meter', version)`, i.e. the application's registered SDK. */
  tracer?: Tracer;
  /**
   * Meter for the call metrics. Default: the global meter provider's `cpr-meter` meter, looked up
   * again whenever the global provider changes, so an SDK started after this listener is used.
   */
  meter?: Meter;
  /** The upstream a call went to, as `server.address` / `server.port`. Default: none. */
  serverAddress?: (call: LlmCall) => ServerAddress | undefined;
}

interface Instruments {
  tokenUsage: Histogram;
  duration: Histogram;
  timeToFirstChunk: Histogram;
  cost: Counter;
  unpriced: Counter;
}

function createInstruments(meter: Meter): Instruments {
  return {
    tokenUsage: meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      description: 'Number of input and output tokens used.',
      unit: '{token}',
      valueType: ValueType.INT,
      advice: { explicitBucketBoundaries: [...TOKEN_USAGE_BUCKETS] },
    }),
    duration: meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
      description: 'GenAI operation duration.',
      unit: 's',
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
    }),
    timeToFirstChunk: meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK, {
      description: 'Time to receive the first chunk of a streamed response.',
      unit: 's',
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
    }),
    cost: meter.createCounter(METRIC_CPR_LLM_COST, {
      description: 'Spend on LLM calls, priced by cpr-meter.',
      unit: 'USD',
      valueType: ValueType.DOUBLE,
    }),
    unpriced: meter.createCounter(METRIC_CPR_LLM_UNPRICED_CALLS, {
      description: 'LLM calls whose cost is unknown (no price for the model, or no usage).',
      unit: '{call}',
      valueType: ValueType.INT,
    }),
  };
}

/**
 * Instruments of an explicit meter, or of the global provider's meter, rebuilt when that
 * provider changes; `null` while no SDK is registered (the global meter is the API's no-op one).
 */
function instrumentSource(meter: Meter | undefined): () => Instruments | null {
  if (meter) {
    const instruments = createInstruments(meter);
    return () => instruments;
  }
  let provider: MeterProvider | undefined;
  let instruments: Instruments | null = null;
  return () => {
    const current = metrics.getMeterProvider();
    if (current !== provider) {
      provider = current;
      const global = current.getMeter(INSTRUMENTATION_SCOPE, version);
      instruments = global === createNoopMeter() ? null : createInstruments(global);
    }
    return instruments;
  };
}

/** The provider the API's tracers delegate to while no SDK is registered. */
const NO_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();

/** Whether a span would go anywhere: always for an explicit tracer, else once an SDK registered a provider. */
function spanSink(explicit: boolean): () => boolean {
  if (explicit) return () => true;
  return () => {
    const provider = trace.getTracerProvider();
    return !(provider instanceof ProxyTracerProvider && provider.getDelegate() === NO_TRACER_PROVIDER);
  };
}

/** Milliseconds since the epoch as an `HrTime`, keeping the sub-millisecond part of a latency. */
function hrTime(ms: number): HrTime {
  let seconds = Math.floor(ms / 1000);
  let nanos = Math.round((ms - seconds * 1000) * 1e6);
  if (nanos >= 1e9) {
    seconds += 1;
    nanos -= 1e9;
  }
  return [seconds, nanos];
}

function emitSpan(tracer: Tracer, call: LlmCall, server: ServerAddress | undefined): void {
  // The span is made after the fact, so its times come from the record, not from the clock.
  // An HrTime, not a number: an SDK guesses whether a number is epoch ms or `performance.now()`
  // (older ones took anything before the process started for the latter, as an old call is).
  const span = tracer.startSpan(
    callSpanName(call),
    { kind: SpanKind.CLIENT, startTime: hrTime(call.startedAt), attributes: callSpanAttributes(call, server) },
    context.active(),
  );
  const errorType = callErrorType(call);
  if (errorType !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
  span.end(hrTime(call.startedAt + (call.latencyMs ?? 0)));
}

function recordMetrics(instruments: Instruments, call: LlmCall, server: ServerAddress | undefined): void {
  const attributes = callMetricAttributes(call, server);
  if (call.usage !== null) {
    instruments.tokenUsage.record(call.usage.inputTokens, { ...attributes, [ATTR_GEN_AI_TOKEN_TYPE]: 'input' });
    if (call.operation !== 'embeddings') {
      instruments.tokenUsage.record(call.usage.outputTokens, { ...attributes, [ATTR_GEN_AI_TOKEN_TYPE]: 'output' });
    }
  }
  if (call.latencyMs !== null) instruments.duration.record(call.latencyMs / 1000, attributes);
  if (call.streamed && call.timeToFirstChunkMs !== null) {
    instruments.timeToFirstChunk.record(call.timeToFirstChunkMs / 1000, attributes);
  }
  if (call.costUsd !== null) instruments.cost.add(call.costUsd, attributes);
  else instruments.unpriced.add(1, attributes);
}

/**
 * Makes a listener for `recorder.onCall` that turns every recorded call into a GenAI span
 * (`chat gpt-4o-mini-2024-07-18`, kind CLIENT, timed from the record, parented on the active
 * context) and into the GenAI client metrics plus cpr-meter's cost counters. Instruments are
 * created once. The listener never throws: a telemetry fault is reported through `diag`.
 *
 * @example
 * recorder.onCall(createCallTelemetry({ serverAddress: () => ({ address: 'api.openai.com', port: 443 }) }));
 */
export function createCallTelemetry({
  tracer,
  meter,
  serverAddress,
}: CallTelemetryOptions = {}): CallListener {
  const instruments = instrumentSource(meter);
  const spansGoSomewhere = spanSink(tracer !== undefined);
  const spanTracer = tracer ?? trace.getTracer(INSTRUMENTATION_SCOPE, version);
  return function recordCallTelemetry(call: LlmCall): void {
    try {
      // With no SDK registered, every span and measurement would be dropped by the API's no-ops:
      // skip building them (their attributes cost some 12 µs a call, on the proxy's hot path).
      const tracing = spansGoSomewhere();
      const measuring = instruments();
      if (!tracing && measuring === null) return;
      const server = serverAddress?.(call);
      if (tracing) emitSpan(spanTracer, call, server);
      if (measuring !== null) recordMetrics(measuring, call, server);
    } catch (error) {
      diag.error('cpr-meter: recording call telemetry failed', error);
    }
  };
}
