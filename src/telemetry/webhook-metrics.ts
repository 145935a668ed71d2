import { metrics, ValueType, type Meter } from '@opentelemetry/api';
import { version } from '../cli/version.js';
import { ATTR_CPR_HELPDESK, ATTR_CPR_WEBHOOK_OUTCOME, INSTRUMENTATION_SCOPE, METRIC_CPR_WEBHOOKS_DELIVERIES } from './semconv.js';

/** Counts one webhook delivery. */
export type CountDelivery = (delivery: { helpdesk: string; outcome: string }) => void;

/**
 * The `cpr.webhooks.deliveries` counter, by helpdesk and outcome. The meter defaults to the
 * global provider's `cpr-meter` meter as it is when this is called (after `startTelemetry`).
 *
 * @example
 * const count = createWebhookMetrics();
 * count({ helpdesk: 'zendesk', outcome: 'stored' });
 */
export function createWebhookMetrics({ meter = metrics.getMeter(INSTRUMENTATION_SCOPE, version) }: { meter?: Meter } = {}): CountDelivery {
  const deliveries = meter.createCounter(METRIC_CPR_WEBHOOKS_DELIVERIES, {
    description: 'Helpdesk webhook deliveries received, by helpdesk and outcome.',
    unit: '{delivery}',
    valueType: ValueType.INT,
  });
  return ({ helpdesk, outcome }) => deliveries.add(1, { [ATTR_CPR_HELPDESK]: helpdesk, [ATTR_CPR_WEBHOOK_OUTCOME]: outcome });
}
