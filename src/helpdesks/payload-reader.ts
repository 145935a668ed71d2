import { createHash } from 'node:crypto';
import { MAX_ID_LENGTH } from '../tickets/event-schema.js';

/**
 * Defensive reads of an untrusted, already-verified webhook payload: every reader accepts any
 * JSON value and answers `null` rather than throwing, so that a mapper never fails on a shape
 * it did not expect.
 */

/** The object at `value`, or `null` when it is not a plain object. */
export function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** The value at a path of keys, or `undefined` when any step is missing or not an object. */
export function at(value: unknown, ...path: string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    const object = record(current);
    if (object === null || !Object.hasOwn(object, key)) return undefined;
    current = object[key];
  }
  return current;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * An identifier as cpr-meter's events accept it: a non-empty string (or a finite number, as
 * helpdesks send ids both ways) of at most 256 characters without control characters; else `null`.
 */
export function idOf(value: unknown): string | null {
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : null;
  if (text === null || text === '' || text.length > MAX_ID_LENGTH || CONTROL.test(text)) return null;
  return text;
}

/** A finite number, from a number or a numeric string; else `null`. */
export function numberOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

/** Latest instant an event may carry: beyond it `toISOString()` leaves the ISO 8601 form. */
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** ms since the epoch as the ISO 8601 string events carry, or `null` when out of range. */
export function isoOf(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms) || ms < 0 || ms > MAX_MS) return null;
  return new Date(Math.trunc(ms)).toISOString();
}

/**
 * An ISO 8601 date-time (nanoseconds allowed: Zendesk sends them) or unix seconds, as ms since
 * the epoch; `null` when unreadable.
 */
export function instantOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value * 1000 : null;
  if (typeof value !== 'string') return null;
  // Date.parse reads at most milliseconds: cut longer fractions, keep the zone.
  const trimmed = value.trim().replace(/(\.\d{3})\d+/, '$1');
  if (!/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) return null;
  const ms = Date.parse(trimmed);
  return Number.isFinite(ms) ? ms : null;
}

/** Strings of an array (of strings or `{ name }` objects, as Intercom's tags are); others skipped. */
export function namesOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((item) => idOf(typeof item === 'string' ? item : at(item, 'name'))).filter((name): name is string => name !== null);
}

/**
 * The event id of one mapped event: `<helpdesk>:<delivery key>:<kind>`, so that a redelivery
 * yields the same ids (and is skipped as a duplicate). Keys too long for an id are hashed.
 */
export function eventIdOf({ helpdesk, key, kind }: { helpdesk: string; key: string; kind: string }): string {
  const id = `${helpdesk}:${key}:${kind}`;
  if (id.length <= MAX_ID_LENGTH && !CONTROL.test(id)) return id;
  return `${helpdesk}:sha256-${createHash('sha256').update(key).digest('hex')}:${kind}`;
}

/** `prefix + id` when it is still a valid id; else `null`. */
export function prefixed(prefix: string, id: string | null): string | null {
  return id === null ? null : idOf(`${prefix}${id}`);
}
