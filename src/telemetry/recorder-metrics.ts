import { metrics, ValueType, type Meter } from '@opentelemetry/api';
import { version } from '../cli/version.js';
import type { CallRecorder } from '../ledger/call-recorder.js';
import {
  ATTR_CPR_FAILURE_KIND,
  INSTRUMENTATION_SCOPE,
  METRIC_CPR_LEDGER_EVENT_RETRY_BUFFER,
  METRIC_CPR_LEDGER_EVENTS_DROPPED,
  METRIC_CPR_LEDGER_RETRY_BUFFER,
  METRIC_CPR_LEDGER_ROWS_DROPPED,
  METRIC_CPR_LEDGER_WRITES_FAILED,
} from './semconv.js';

/** Options of {@link observeRecorder}. */
export interface ObserveRecorderOptions {
  /**
   * Meter for the ledger metrics. Default: the global provider's `cpr-meter` meter as it is when
   * `observeRecorder` is called, so call it after the SDK is started (`startTelemetry`).
   */
  meter?: Meter;
}

/**
 * Reports the health of a recorder's ledger writes as metrics, read from `recorder.stats()` at
 * each collection: `cpr.ledger.writes_failed` (counter, by `cpr.failure.kind`),
 * `cpr.ledger.rows_dropped` (counter) and `cpr.ledger.retry_buffer` (gauge of rows waiting); for
 * the events written on calls' behalf (conversation links), `cpr.ledger.events_dropped` and
 * `cpr.ledger.event_retry_buffer`.
 *
 * @example
 * await startTelemetry();
 * observeRecorder(cpr.recorder);
 */
export function observeRecorder(
  recorder: CallRecorder,
  { meter = metrics.getMeter(INSTRUMENTATION_SCOPE, version) }: ObserveRecorderOptions = {},
): void {
  const writesFailed = meter.createObservableCounter(METRIC_CPR_LEDGER_WRITES_FAILED, {
    description: 'Ledger writes that failed (each kept for retry, or dropped when the buffer is full).',
    unit: '{write}',
    valueType: ValueType.INT,
  });
  const rowsDropped = meter.createObservableCounter(METRIC_CPR_LEDGER_ROWS_DROPPED, {
    description: 'Ledger rows lost because the retry buffer was full.',
    unit: '{row}',
    valueType: ValueType.INT,
  });
  const retryBuffer = meter.createObservableGauge(METRIC_CPR_LEDGER_RETRY_BUFFER, {
    description: 'Ledger rows waiting in the retry buffer.',
    unit: '{row}',
    valueType: ValueType.INT,
  });
  const eventsDropped = meter.createObservableCounter(METRIC_CPR_LEDGER_EVENTS_DROPPED, {
    description: 'Events written on calls\' behalf (conversation links, ticket attributes) that were lost.',
    unit: '{event}',
    valueType: ValueType.INT,
  });
  const eventRetryBuffer = meter.createObservableGauge(METRIC_CPR_LEDGER_EVENT_RETRY_BUFFER, {
    description: 'Events written on calls\' behalf waiting in the retry buffer.',
    unit: '{event}',
    valueType: ValueType.INT,
  });
  // One callback, one stats() copy: the three values of a collection are consistent.
  meter.addBatchObservableCallback(
    (result) => {
      const stats = recorder.stats();
      for (const [kind, count] of Object.entries(stats.failuresByKind)) {
        result.observe(writesFailed, count, { [ATTR_CPR_FAILURE_KIND]: kind });
      }
      result.observe(rowsDropped, stats.dropped);
      result.observe(retryBuffer, stats.buffered);
      result.observe(eventsDropped, stats.droppedEvents);
      result.observe(eventRetryBuffer, stats.bufferedEvents);
    },
    [writesFailed, rowsDropped, retryBuffer, eventsDropped, eventRetryBuffer],
  );
}
