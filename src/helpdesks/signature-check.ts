import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AuthenticationError } from '../errors.js';

/** How old a signed timestamp may be, either way, before a delivery is refused as a replay: 5 minutes. */
export const REPLAY_WINDOW_MS = 5 * 60_000;

/** One header's value (the first when repeated), or `undefined`. */
export function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** HMAC of `parts` (strings as UTF-8, buffers as they are) under `secret`. */
export function hmac({ algorithm, secret, parts }: { algorithm: 'sha1' | 'sha256'; secret: string; parts: Array<string | Buffer> }): Buffer {
  const mac = createHmac(algorithm, secret);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * Compares a presented digest with the expected one in constant time. Digests of one algorithm
 * have one length, so a length mismatch tells an attacker nothing about the secret.
 */
export function digestsEqual(presented: Buffer, expected: Buffer): boolean {
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** Refuses a signed timestamp outside the replay window around `now`. */
export function assertFresh({ signedAt, now, header }: { signedAt: number; now: number; header: string }): void {
  if (!Number.isFinite(signedAt)) throw new AuthenticationError(`Unreadable ${header} header.`);
  if (Math.abs(now - signedAt) > REPLAY_WINDOW_MS) {
    throw new AuthenticationError(`Stale ${header}: the delivery was signed more than 5 minutes from now (a replay, or a clock off).`);
  }
}
