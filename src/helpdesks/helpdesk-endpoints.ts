import type { IncomingMessage } from 'node:http';
import type { CprEventInput } from '../tickets/types.js';
import type { Helpdesk, HelpdeskSettings, HubspotOptions } from './helpdesk-config.js';
import { mapFreshdesk } from './map-freshdesk.js';
import { mapHubspot, reopensOf, type StageMove } from './map-hubspot.js';
import { mapIntercom } from './map-intercom.js';
import { mapZendesk } from './map-zendesk.js';
import type { MappedDelivery } from './mapped-delivery.js';
import { headerOf } from './signature-check.js';
import { verifyFreshdeskToken } from './verify-freshdesk.js';
import { verifyHubspotSignature } from './verify-hubspot.js';
import { verifyIntercomSignature } from './verify-intercom.js';
import { verifyZendeskSignature } from './verify-zendesk.js';

/** One helpdesk's endpoint: how a delivery is authenticated and mapped, and what to do while the ledger is locked. */
export interface HelpdeskEndpoint {
  helpdesk: Helpdesk;
  /** Throws an `AuthenticationError` unless the delivery is the helpdesk's. */
  verify(req: IncomingMessage, body: Buffer, now: number): void;
  map(payload: unknown): MappedDelivery & { stageMoves?: StageMove[] };
  /** Events a remembered stage move reveals (HubSpot). */
  deriveFromMove?: (move: StageMove, neighbours: { previous: StageMove | null; next: StageMove | null }) => CprEventInput[];
  /**
   * While the ledger is locked: `buffer` keeps the delivery in memory and answers 200, for
   * helpdesks that retry little (Intercom: once, a minute later; Zendesk: a few times; Freshdesk:
   * unconfirmed); `retry` answers 503 for HubSpot, which retries up to 10 times over 24 hours
   * and whose reopens need the ledger's stage history at once.
   */
  whenBusy: 'buffer' | 'retry';
}

/**
 * The endpoints of the configured helpdesks.
 *
 * @example
 * const endpoints = helpdeskEndpoints(loadHelpdeskSettings('helpdesks.json', process.env));
 */
export function helpdeskEndpoints(settings: HelpdeskSettings): Map<Helpdesk, HelpdeskEndpoint> {
  const endpoints = new Map<Helpdesk, HelpdeskEndpoint>();
  const { zendesk, intercom, hubspot, freshdesk } = settings;
  if (zendesk) {
    endpoints.set('zendesk', {
      helpdesk: 'zendesk', whenBusy: 'buffer',
      verify: (req, body, now) => verifyZendeskSignature({ body, headers: req.headers, secret: zendesk.secret, now }),
      map: (payload) => mapZendesk(payload, zendesk),
    });
  }
  if (intercom) {
    endpoints.set('intercom', {
      helpdesk: 'intercom', whenBusy: 'buffer',
      verify: (req, body) => verifyIntercomSignature({ body, headers: req.headers, secret: intercom.secret }),
      map: (payload) => mapIntercom(payload, intercom),
    });
  }
  if (hubspot) {
    endpoints.set('hubspot', {
      helpdesk: 'hubspot', whenBusy: 'retry',
      verify: (req, body, now) => verifyHubspotSignature({
        method: req.method ?? 'POST', uri: signedUri(req, hubspot), body, headers: req.headers, secret: hubspot.secret, now,
      }),
      map: (payload) => mapHubspot(payload, hubspot),
      deriveFromMove: (move, neighbours) => reopensOf({ move, ...neighbours, closedStageIds: hubspot.closedStageIds }),
    });
  }
  if (freshdesk) {
    endpoints.set('freshdesk', {
      helpdesk: 'freshdesk', whenBusy: 'buffer',
      verify: (req) => verifyFreshdeskToken({ headers: req.headers, token: freshdesk.token }),
      map: (payload) => mapFreshdesk(payload, freshdesk),
    });
  }
  return endpoints;
}

/**
 * The URI HubSpot signed: the one it called. Behind a reverse proxy that is the public URL
 * (`publicUrl`, or `X-Forwarded-Proto`/`X-Forwarded-Host` when trusted), not the one cpr-meter sees.
 */
export function signedUri(req: IncomingMessage, { publicUrl, trustForwardedHeaders }: Pick<HubspotOptions, 'publicUrl' | 'trustForwardedHeaders'>): string {
  const path = req.url ?? '/';
  if (publicUrl !== undefined) return `${publicUrl.replace(/\/+$/, '')}${path}`;
  const host = (trustForwardedHeaders ? headerOf(req.headers, 'x-forwarded-host') : undefined) ?? headerOf(req.headers, 'host') ?? '';
  const proto = (trustForwardedHeaders ? headerOf(req.headers, 'x-forwarded-proto') : undefined) ?? 'http';
  return `${proto.split(',')[0]!.trim()}://${host.split(',')[0]!.trim()}${path}`;
}
