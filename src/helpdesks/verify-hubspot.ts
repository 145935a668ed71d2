import type { IncomingHttpHeaders } from 'node:http';
import { AuthenticationError } from '../errors.js';
import { assertFresh, digestsEqual, headerOf, hmac } from './signature-check.js';

/**
 * Verifies a HubSpot v3 signature: `X-HubSpot-Signature-v3` is base64 HMAC-SHA256, under the
 * app's client secret, of method + the full URI HubSpot called + raw body +
 * `X-HubSpot-Request-Timestamp` (epoch ms, refused when more than 5 minutes from `now`).
 * Throws an `AuthenticationError`.
 */
export function verifyHubspotSignature(
  { method, uri, body, headers, secret, now }: { method: string; uri: string; body: Buffer; headers: IncomingHttpHeaders; secret: string; now: number },
): void {
  const signature = headerOf(headers, 'x-hubspot-signature-v3');
  const timestamp = headerOf(headers, 'x-hubspot-request-timestamp');
  if (signature === undefined || timestamp === undefined) {
    throw new AuthenticationError('Missing X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp header.');
  }
  const expected = hmac({ algorithm: 'sha256', secret, parts: [method, decodeUri(uri), body, timestamp] });
  if (!digestsEqual(Buffer.from(signature, 'base64'), expected)) throw new AuthenticationError('Invalid HubSpot webhook signature.');
  assertFresh({ signedAt: /^\d+$/.test(timestamp) ? Number(timestamp) : Number.NaN, now, header: 'X-HubSpot-Request-Timestamp' });
}

/**
 * HubSpot's v3 instructions have the URI's URL-encoded characters decoded before hashing; these
 * are the reserved ones its table names (`%3A`, `%2F`, `%3F`, `%40`, `%21`, `%24`, `%27`, `%28`,
 * `%29`, `%2A`, `%2C`, `%3B`; the list was not re-checked against the current page). A plain
 * webhook URL has none of them.
 */
function decodeUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (escape) => decodeURIComponent(escape));
}
