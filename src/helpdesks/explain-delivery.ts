import { ValidationError } from '../errors.js';
import type { Helpdesk, HelpdeskSettings } from './helpdesk-config.js';
import { helpdeskEndpoints } from './helpdesk-endpoints.js';

/**
 * What a payload would become, as `cpr-meter webhook explain` prints it: the topic, then each
 * event as one line of JSON, or why there is none. Signatures are not checked (the payload is a
 * file); HubSpot stage moves are listed with what they mean, since a reopen depends on the
 * ticket's previous stage as the ledger remembers it.
 *
 * @example
 * explainDelivery({ helpdesk: 'zendesk', text: readFileSync('delivery.json', 'utf8'), settings });
 */
export function explainDelivery({ helpdesk, text, settings }: { helpdesk: Helpdesk; text: string; settings: HelpdeskSettings }): string {
  const endpoint = helpdeskEndpoints(settings).get(helpdesk);
  if (endpoint === undefined) {
    throw new ValidationError(`"${helpdesk}" is not in the helpdesk configuration: add a "${helpdesk}" section to explain its deliveries.`, { field: 'helpdesk' });
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (cause) {
    throw new ValidationError(`The payload is not JSON: ${(cause as Error).message}`, { cause });
  }
  const delivery = endpoint.map(payload);
  const moves = delivery.stageMoves ?? [];
  const lines = [`${helpdesk} ${delivery.topic}: ${delivery.events.length} event${delivery.events.length === 1 ? '' : 's'}`];
  for (const event of delivery.events) lines.push(`  ${JSON.stringify(event)}`);
  for (const move of moves) {
    const closed = settings.hubspot?.closedStageIds.includes(move.stageId) ?? false;
    lines.push(`  stage move: ticket ${move.ticketId} to stage ${move.stageId} (${closed ? 'closed' : 'open'}) at ${new Date(move.at).toISOString()}`
      + (closed ? '' : ': a ticket.reopened when the stage before it was a closed one'));
  }
  if (delivery.events.length === 0 && moves.length === 0) lines.push(`  none: ${delivery.reason ?? 'nothing to map'}`);
  return `${lines.join('\n')}\n`;
}
