import { createHmac, randomUUID } from 'node:crypto';
import type { DemoClock } from './run-workload.js';

/** The demo's Zendesk connector: the bot is user 900001, agents are 9000xx, time tracking is field 360000000001. */
export const DEMO_ZENDESK = {
  secretEnv: 'CPR_DEMO_ZENDESK_SECRET',
  ticketIdPrefix: 'T-',
  category: 'tag:cat_',
  botUserIds: ['900001'],
  timeTrackingTotalFieldId: '360000000001',
};

const SECRET = 'demo-zendesk-signing-secret';

/** What `startServer` needs for the demo's Zendesk endpoint (its configuration, and the secret's variable). */
export const DEMO_HELPDESK_OPTIONS = { helpdeskSettings: { zendesk: DEMO_ZENDESK }, env: { CPR_DEMO_ZENDESK_SECRET: SECRET } };

/** The bot's Zendesk user id, and the agent who takes handoffs. */
export const BOT_USER = '900001';
export const AGENT = '900007';

/** A demo ticket as Zendesk's event payloads describe it (`detail`). */
export interface ZendeskTicket {
  id: string;
  status: string;
  assigneeId: string | null;
  category: string;
  channel: string;
  customerId: string;
  /** The bot conversation's id, which the bot writes into the ticket's external id. */
  externalId: string | null;
}

/**
 * Posts one Zendesk event-subscription delivery to cpr-meter's `/webhooks/zendesk`, signed as
 * Zendesk signs (base64 HMAC-SHA256 of timestamp + body), at the demo clock's time.
 */
export async function postZendeskEvent(
  { url, clock, type, ticket, event = {} }: { url: string; clock: DemoClock; type: string; ticket: ZendeskTicket; event?: object },
): Promise<void> {
  const time = new Date(clock.now()).toISOString();
  const body = JSON.stringify({
    account_id: 22129848, id: randomUUID(), type: `zen:event-type:${type}`, subject: `zen:ticket:${ticket.id}`, time,
    zendesk_event_version: '2022-11-06', event,
    detail: {
      id: ticket.id, status: ticket.status, assignee_id: ticket.assigneeId, requester_id: ticket.customerId, external_id: ticket.externalId,
      tags: [`cat_${ticket.category}`], via: { channel: ticket.channel }, type: 'QUESTION', priority: 'NORMAL', created_at: time, updated_at: time,
    },
  });
  const timestamp = time.replace(/\.\d{3}Z$/, 'Z');
  const signature = createHmac('sha256', SECRET).update(timestamp + body).digest('base64');
  const res = await fetch(url, {
    method: 'POST', body,
    headers: { 'content-type': 'application/json', 'x-zendesk-webhook-signature': signature, 'x-zendesk-webhook-signature-timestamp': timestamp },
  });
  if (!res.ok) throw new Error(`POST /webhooks/zendesk answered ${res.status}: ${await res.text()}`);
}
