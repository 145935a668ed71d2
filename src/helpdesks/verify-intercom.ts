import type { IncomingHttpHeaders } from 'node:http';
import { AuthenticationError } from '../errors.js';
import { digestsEqual, headerOf, hmac } from './signature-check.js';

/**
 * Verifies an Intercom webhook: `X-Hub-Signature: sha1=<hex>` is HMAC-SHA1 of the raw body
 * under the app's client secret. Intercom signs no timestamp, so there is no replay window:
 * a replay is caught by the delivery id instead. Throws an `AuthenticationError`.
 */
export function verifyIntercomSignature({ body, headers, secret }: { body: Buffer; headers: IncomingHttpHeaders; secret: string }): void {
  const header = headerOf(headers, 'x-hub-signature');
  if (header === undefined) throw new AuthenticationError('Missing X-Hub-Signature header.');
  const match = /^sha1=([0-9a-f]{40})$/i.exec(header.trim());
  const expected = hmac({ algorithm: 'sha1', secret, parts: [body] });
  if (match === null || !digestsEqual(Buffer.from(match[1]!, 'hex'), expected)) throw new AuthenticationError('Invalid Intercom webhook signature.');
}
