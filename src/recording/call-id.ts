import { randomFillSync } from 'node:crypto';

/** Random bytes drawn ahead, 10 per id (as `crypto.randomUUID` caches its entropy). */
const pool = Buffer.allocUnsafe(10 * 512);
let offset = pool.length;

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * A new call id: a UUID version 7 (RFC 9562), its first 48 bits the call's start in milliseconds
 * since the epoch, the other 74 random. Ids made later sort later, so the ledger's primary-key
 * index grows at its end, as its time index does: a random (version 4) id lands on a random
 * page of that index, which on a large ledger is a page to read, dirty and write back for every
 * call. Still a UUID, 36 characters, as unique as a version 4 for any practical purpose.
 *
 * @example
 * newCallId(Date.UTC(2026, 0, 1)) // '019b76da-a800-7c1e-9a4f-2b8e5d7c0a13' (the last 74 bits vary)
 */
export function newCallId(startedAt: number): string {
  if (offset + 10 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const r = offset;
  offset += 10;
  const ms = Math.min(Math.max(0, Math.trunc(startedAt)), 2 ** 48 - 1).toString(16).padStart(12, '0');
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${(pool[r]! & 0x0f).toString(16)}${HEX[pool[r + 1]!]}-${HEX[(pool[r + 2]! & 0x3f) | 0x80]}${HEX[pool[r + 3]!]}-${HEX[pool[r + 4]!]}${HEX[pool[r + 5]!]}${HEX[pool[r + 6]!]}${HEX[pool[r + 7]!]}${HEX[pool[r + 8]!]}${HEX[pool[r + 9]!]}`;
}
