import { ROOT_CONTEXT, type Attributes, type Context, type ContextManager } from '@opentelemetry/api';
import {
  MeterProvider,
  MetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** A reader that exports nothing by itself: the test collects when it wants to look. */
class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** A tracer and a meter that keep everything in memory, registered nowhere globally. */
export interface InMemoryOtel {
  tracerProvider: BasicTracerProvider;
  meterProvider: MeterProvider;
  spanExporter: InMemorySpanExporter;
  reader: MetricReader;
  /** Finished spans, oldest first. */
  spans(): ReadableSpan[];
  /** Every metric collected now, by name. */
  collect(): Promise<Map<string, MetricData>>;
  shutdown(): Promise<void>;
}

/** Starts in-memory tracer and meter providers (cumulative temporality, the SDK's default). */
export function inMemoryOtel(): InMemoryOtel {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider, meterProvider, spanExporter, reader,
    spans: () => spanExporter.getFinishedSpans(),
    async collect() {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw errors[0];
      const byName = new Map<string, MetricData>();
      for (const scope of resourceMetrics.scopeMetrics) for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
      return byName;
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** The data point of `metric` whose attributes include `match`; fails when there is not exactly one. */
export function pointOf<T = number>(metric: MetricData | undefined, match: Attributes = {}): DataPoint<T> {
  if (!metric) throw new Error('metric not collected');
  const points = (metric.dataPoints as DataPoint<T>[]).filter((p) =>
    Object.entries(match).every(([key, value]) => JSON.stringify(p.attributes[key]) === JSON.stringify(value)),
  );
  if (points.length !== 1) throw new Error(`${points.length} points of ${metric.descriptor.name} match ${JSON.stringify(match)}`);
  return points[0]!;
}

/** The histogram data point of `metric` whose attributes include `match`. */
export function histogramOf(metric: MetricData | undefined, match: Attributes = {}): Histogram {
  return pointOf<Histogram>(metric, match).value;
}

/**
 * A synchronous context manager: enough for a listener called synchronously inside `context.with`,
 * without depending on the SDK's AsyncLocalStorage manager.
 */
export class StackContextManager implements ContextManager {
  #stack: Context[] = [];
  active(): Context {
    return this.#stack.at(-1) ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    this.#stack.push(ctx);
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.#stack.pop();
    }
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.#stack = [];
    return this;
  }
}
