import type { IncomingHttpHeaders } from 'node:http';
import { AuthenticationError } from '../errors.js';
import { assertFresh, digestsEqual, headerOf, hmac } from './signature-check.js';

/**
 * Verifies a Zendesk webhook: `X-Zendesk-Webhook-Signature` is base64 HMAC-SHA256, under the
 * webhook's signing secret, of `X-Zendesk-Webhook-Signature-Timestamp` followed by the raw body.
 * The timestamp must be within 5 minutes of `now`. Throws an `AuthenticationError`.
 *
 * @example
 * verifyZendeskSignature({ body, headers: req.headers, secret, now: Date.now() });
 */
export function verifyZendeskSignature(
  { body, headers, secret, now }: { body: Buffer; headers: IncomingHttpHeaders; secret: string; now: number },
): void {
  const signature = headerOf(headers, 'x-zendesk-webhook-signature');
  const timestamp = headerOf(headers, 'x-zendesk-webhook-signature-timestamp');
  if (signature === undefined || timestamp === undefined) {
    throw new AuthenticationError('Missing X-Zendesk-Webhook-Signature or X-Zendesk-Webhook-Signature-Timestamp header.');
  }
  const expected = hmac({ algorithm: 'sha256', secret, parts: [timestamp, body] });
  if (!digestsEqual(Buffer.from(signature, 'base64'), expected)) throw new AuthenticationError('Invalid Zendesk webhook signature.');
  assertFresh({ signedAt: Date.parse(timestamp), now, header: 'X-Zendesk-Webhook-Signature-Timestamp' });
}
