import type { IncomingHttpHeaders } from 'node:http';
import { AuthenticationError } from '../errors.js';
import { safeEqual } from '../server/safe-equal.js';
import { headerOf } from './signature-check.js';

/**
 * Verifies a Freshdesk delivery, which Freshdesk does not sign: the automation rule's webhook
 * action sends a shared token, as Basic auth (the token as user name or as password, as
 * Freshdesk's "API key" and "username/password" options do), as `Authorization: Bearer`, or in
 * an `X-Cpr-Webhook-Token` custom header. Compared in constant time. Throws an `AuthenticationError`.
 */
export function verifyFreshdeskToken({ headers, token }: { headers: IncomingHttpHeaders; token: string }): void {
  const presented = presentedTokens(headers);
  if (presented.length === 0) {
    throw new AuthenticationError('Missing Freshdesk webhook token: send it as Basic auth or in the X-Cpr-Webhook-Token header.');
  }
  // Check every candidate (no early exit), so that timing does not tell which one matched.
  const matches = presented.map((candidate) => safeEqual(candidate, token));
  if (!matches.includes(true)) throw new AuthenticationError('Invalid Freshdesk webhook token.');
}

function presentedTokens(headers: IncomingHttpHeaders): string[] {
  const tokens: string[] = [];
  const custom = headerOf(headers, 'x-cpr-webhook-token');
  if (custom !== undefined && custom !== '') tokens.push(custom);
  const authorization = headerOf(headers, 'authorization')?.trim() ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization);
  if (bearer !== null) tokens.push(bearer[1]!);
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization);
  if (basic !== null) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    for (const part of [user, password]) if (part !== '' && part !== 'X') tokens.push(part);
  }
  return tokens;
}
