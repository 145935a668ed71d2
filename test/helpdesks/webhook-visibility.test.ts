import { metrics } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { inMemoryOtel, pointOf, type InMemoryOtel } from '../telemetry/in-memory-otel.js';
import { ENV, fixtureText } from './helpdesk-fixtures.js';
import { startWebhookHarness, type WebhookHarness } from './webhook-harness.js';

const NOW = Date.parse('2026-10-05T09:10:00Z');
let otel: InMemoryOtel;
let h: WebhookHarness;
const lines: string[] = [];

beforeEach(async () => {
  otel = inMemoryOtel();
  metrics.setGlobalMeterProvider(otel.meterProvider);
  lines.length = 0;
  h = await startWebhookHarness(NOW, { logger: createLogger({ level: 'debug', write: (line) => void lines.push(line) }) });
});
afterEach(async () => {
  await h.close();
  metrics.disable();
  await otel.shutdown();
});

describe('webhook visibility', () => {
  it('logs each delivery at debug (helpdesk, topic, outcome, events) and counts cpr.webhooks.deliveries by helpdesk and outcome', async () => {
    const created = fixtureText('zendesk', 'ticket.created');
    await h.post('zendesk', created);
    await h.post('zendesk', created);
    await h.post('zendesk', fixtureText('zendesk', 'ticket.comment_added'));
    await h.post('intercom', fixtureText('intercom', 'ping'), { secret: 'wrong' });

    const deliveries = lines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'webhook delivery');
    expect(deliveries.map(({ helpdesk, topic, outcome, events, reason }) => ({ helpdesk, topic, outcome, events, reason }))).toEqual([
      { helpdesk: 'zendesk', topic: 'ticket.created', outcome: 'stored', events: 2, reason: undefined },
      { helpdesk: 'zendesk', topic: 'ticket.created', outcome: 'duplicate', events: 0, reason: undefined },
      { helpdesk: 'zendesk', topic: 'ticket.comment_added', outcome: 'ignored', events: 0, reason: undefined },
      { helpdesk: 'intercom', topic: null, outcome: 'rejected', events: 0, reason: 'Invalid Intercom webhook signature.' },
    ]);
    // Neither the payload nor a secret reaches the log.
    const log = lines.join('');
    for (const secret of Object.values(ENV)) expect(log).not.toContain(secret);
    expect(log).not.toContain('Charged twice');
    expect(log).not.toContain('361111111111');

    const metric = (await otel.collect()).get('cpr.webhooks.deliveries');
    const count = (helpdesk: string, outcome: string) => pointOf(metric, { 'cpr.helpdesk': helpdesk, 'cpr.webhook.outcome': outcome }).value;
    expect([count('zendesk', 'stored'), count('zendesk', 'duplicate'), count('zendesk', 'ignored'), count('intercom', 'rejected')]).toEqual([1, 1, 1, 1]);
  });
});
