/**
 * `cpr-meter/otel`: every recorded LLM call as an OpenTelemetry GenAI span and metrics, the
 * ledger's health as metrics, and a one-call SDK setup for applications that have none.
 *
 * @example
 * import { createCallTelemetry, observeRecorder, startTelemetry } from 'cpr-meter/otel';
 * const telemetry = await startTelemetry();
 * recorder.onCall(createCallTelemetry());
 * observeRecorder(recorder);
 */
export { createCallTelemetry, type CallTelemetryOptions } from './call-telemetry.js';
export { callErrorType, callMetricAttributes, callSpanAttributes, callSpanName, type ServerAddress } from './call-attributes.js';
export { observeRecorder, type ObserveRecorderOptions } from './recorder-metrics.js';
export { startTelemetry, type StartTelemetryOptions, type TelemetryHandle } from './start-telemetry.js';
export { createWebhookMetrics, type CountDelivery } from './webhook-metrics.js';
export * from './semconv.js';
