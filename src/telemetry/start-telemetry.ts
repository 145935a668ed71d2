import type { NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { ConfigError } from '../errors.js';

/** Options of {@link startTelemetry}. Anything not given is read from the standard `OTEL_*` variables. */
export interface StartTelemetryOptions {
  /**
   * `service.name` of the resource. Default: `OTEL_SERVICE_NAME`, else a `service.name` in
   * `OTEL_RESOURCE_ATTRIBUTES`, else `cpr-meter`.
   */
  serviceName?: string;
  /**
   * Where spans go, batched per `OTEL_BSP_*`. Default: the exporters named by
   * `OTEL_TRACES_EXPORTER` (`otlp` when unset, to `OTEL_EXPORTER_OTLP_ENDPOINT`).
   */
  traceExporter?: NodeSDKConfiguration['traceExporter'];
  /** Span processors, instead of `traceExporter` (e.g. a `SimpleSpanProcessor`). */
  spanProcessors?: NodeSDKConfiguration['spanProcessors'];
  /**
   * Where metrics go. Default: the readers named by `OTEL_METRICS_EXPORTER` (`otlp` when unset,
   * every `OTEL_METRIC_EXPORT_INTERVAL` ms).
   */
  metricReader?: NodeSDKConfiguration['metricReader'];
  /** Resource to start from (merged with the detected one and `service.name`). Default: the SDK's default resource. */
  resource?: NodeSDKConfiguration['resource'];
}

/** A started SDK. */
export interface TelemetryHandle {
  /** Flushes what is pending to the exporters and stops them. Safe to call twice. */
  shutdown(): Promise<void>;
}

/**
 * `service.name` to set: the option, else none when the environment names the service (the SDK's
 * environment detector applies it), else `cpr-meter`.
 */
function serviceNameFor(option: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (option !== undefined) return option;
  if (env.OTEL_SERVICE_NAME?.trim()) return undefined;
  if (/(^|,)\s*service\.name\s*=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '')) return undefined;
  return 'cpr-meter';
}

/**
 * `@opentelemetry/sdk-node`, an optional peer dependency: only this function needs it, so that
 * `cpr-meter/otel`'s other exports (and the proxy without `--otel`) work without it.
 */
async function loadSdk(): Promise<typeof import('@opentelemetry/sdk-node')> {
  try {
    return await import('@opentelemetry/sdk-node');
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new ConfigError(
      'OpenTelemetry export (--otel, CPR_OTEL or startTelemetry()) needs the OpenTelemetry Node SDK: npm install @opentelemetry/sdk-node',
      { option: 'otel', cause: error },
    );
  }
}

/**
 * Sets up the OpenTelemetry Node SDK for an application that has none, and registers it globally,
 * so that `createCallTelemetry()` and `observeRecorder()` (which use the global API) export
 * through it. Exporters, sampler, propagators and resource detectors follow the standard `OTEL_*`
 * variables (OTLP over HTTP by default; `OTEL_SDK_DISABLED=true` turns it all off). No
 * auto-instrumentation is installed. An application that already runs an SDK needs none of this.
 * Needs `@opentelemetry/sdk-node` (an optional peer dependency); without it, a {@link ConfigError}.
 *
 * @example
 * const telemetry = await startTelemetry(); // OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318
 * cpr.recorder.onCall(createCallTelemetry());
 * observeRecorder(cpr.recorder);
 * // on exit
 * await telemetry.shutdown();
 */
export async function startTelemetry(options: StartTelemetryOptions = {}): Promise<TelemetryHandle> {
  const { traceExporter, spanProcessors, metricReader, resource } = options;
  const { NodeSDK } = await loadSdk();
  const sdk = new NodeSDK({
    serviceName: serviceNameFor(options.serviceName, process.env),
    instrumentations: [],
    ...(traceExporter ? { traceExporter } : {}),
    ...(spanProcessors ? { spanProcessors } : {}),
    // `metricReaders`, not the deprecated `metricReader`, so the SDK logs no warning.
    ...(metricReader ? { metricReaders: [metricReader] } : {}),
    ...(resource ? { resource } : {}),
  });
  sdk.start();
  let stopped: Promise<void> | undefined;
  return {
    shutdown: () => (stopped ??= sdk.shutdown()),
  };
}
