/** A value of Freshdesk's `triggered_event`: a bare word, or a nested `{key:value,...}` map. */
export type TriggeredValue = string | null | { [key: string]: TriggeredValue };

/**
 * Reads Freshdesk's `{{triggered_event}}` placeholder, which is not JSON (keys and values are
 * unquoted): `{status:{from:4,to:6}}`, `{ticket_action:created}`, `{responder_id:{from:null,to:42}}`.
 * `null` when the text is not of that shape. Never throws.
 *
 * @example
 * parseTriggeredEvent('{status:{from:2,to:4}}'); // { status: { from: '2', to: '4' } }
 */
export function parseTriggeredEvent(text: string): Record<string, TriggeredValue> | null {
  if (text.length > 10_000) return null;
  const reader = { text, pos: 0 };
  const value = readValue(reader, 0);
  skipSpace(reader);
  if (value === undefined || reader.pos !== text.length || typeof value !== 'object' || value === null) return null;
  return value;
}

interface Reader { text: string; pos: number }

function skipSpace(r: Reader): void {
  while (r.pos < r.text.length && /\s/.test(r.text[r.pos]!)) r.pos += 1;
}

/** `undefined` on a syntax error. */
function readValue(r: Reader, depth: number): TriggeredValue | undefined {
  skipSpace(r);
  if (r.text[r.pos] !== '{') {
    const word = readWord(r, ',}');
    if (word === undefined) return undefined;
    return word === 'null' || word === '' ? null : word;
  }
  if (depth > 8) return undefined;
  r.pos += 1;
  const map: Record<string, TriggeredValue> = {};
  skipSpace(r);
  if (r.text[r.pos] === '}') {
    r.pos += 1;
    return map;
  }
  for (;;) {
    const key = readWord(r, ':');
    if (key === undefined || key === '' || r.text[r.pos] !== ':') return undefined;
    r.pos += 1;
    const value = readValue(r, depth + 1);
    if (value === undefined) return undefined;
    Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
    skipSpace(r);
    const next = r.text[r.pos];
    r.pos += 1;
    if (next === '}') return map;
    if (next !== ',') return undefined;
  }
}

/** Characters up to one of `stops` (or `{`), trimmed; `undefined` at the end of the text. */
function readWord(r: Reader, stops: string): string | undefined {
  const start = r.pos;
  while (r.pos < r.text.length && !stops.includes(r.text[r.pos]!) && r.text[r.pos] !== '{') r.pos += 1;
  if (r.pos >= r.text.length) return undefined;
  return r.text.slice(start, r.pos).trim();
}
