/**
 * Reads a few keys of a JSON text without parsing it, for the stream tally: most events of a
 * stream only add text, and a parse per event costs more than everything else the proxy does
 * with it. In valid JSON, `"key"` followed by `:` can only be a key (a quote inside a string is
 * escaped, and a string value is never followed by `:`), at whatever depth; callers that need
 * the depth parse instead.
 */

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

/** A key to look for, made once by {@link jsonKey}. */
export interface JsonKey {
  /**
   * The name and its closing quote: searched without its opening quote, which is the most
   * frequent character of a JSON text (V8 finds `usage"` about five times faster than `"usage"`).
   */
  readonly search: string;
}

/** A key for {@link valueOf} and {@link everyNull}. */
export function jsonKey(name: string): JsonKey {
  return { search: `${name}"` };
}

/**
 * Where the value of the next `key` found after `from` starts, or -1 when there is none.
 *
 * @example
 * valueOf('{"a": 1, "usage": null}', jsonKey('usage')) // 18
 */
export function valueOf(json: string, key: JsonKey, from = 0): number {
  const { search } = key;
  for (let at = json.indexOf(search, from); at !== -1; at = json.indexOf(search, at + 1)) {
    if (json.charCodeAt(at - 1) !== QUOTE) continue;
    const value = valueAfter(json, at + search.length);
    if (value !== -1) return value;
  }
  return -1;
}

/** Where the value starts when a `:` follows `i` (a key's end), or -1 (what ends at `i` is no key). */
function valueAfter(json: string, i: number): number {
  while (isSpace(json.charCodeAt(i))) i += 1;
  if (json.charCodeAt(i) !== COLON) return -1;
  i += 1;
  while (isSpace(json.charCodeAt(i))) i += 1;
  return i;
}

/** True when every `key` in `json` is `null` (or there is none). */
export function everyNull(json: string, key: JsonKey): boolean {
  for (let at = valueOf(json, key); at !== -1; at = valueOf(json, key, at)) {
    if (!json.startsWith('null', at)) return false;
  }
  return true;
}

/** True when the value at `at` is the string `"value"`, written without escapes. */
export function isStringAt(json: string, at: number, value: string): boolean {
  return json.charCodeAt(at) === QUOTE && json.startsWith(value, at + 1) && json.charCodeAt(at + 1 + value.length) === QUOTE;
}

/** The string value at `at`, unescaped; `undefined` when there is no well-formed string there. */
export function stringAt(json: string, at: number): string | undefined {
  if (json.charCodeAt(at) !== QUOTE) return undefined;
  let end = json.indexOf('"', at + 1);
  if (end === -1) return undefined;
  const escape = json.indexOf('\\', at + 1);
  if (escape === -1 || escape > end) return json.slice(at + 1, end);
  // Escapes: find the quote that is not escaped itself, and let JSON.parse unescape.
  for (;;) {
    let backslashes = 0;
    while (json.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) break;
    end = json.indexOf('"', end + 1);
    if (end === -1) return undefined;
  }
  try {
    return JSON.parse(json.slice(at, end + 1)) as string;
  } catch {
    return undefined;
  }
}

/**
 * Where the last `,"usage":null` (with any whitespace around `,`, `:` and `null`) of `json`
 * starts and ends, or `null`: what `stream_options.include_usage` adds to every chunk, as its
 * last key but one (`obfuscation` may follow). Looked for from the end, where it is.
 */
export function nullUsageIn(json: string): { from: number; to: number } | null {
  // `usage"` found, `"usage"` checked, for the reason given at `JsonKey`.
  for (let at = json.lastIndexOf('usage"'); at > 0; at = json.lastIndexOf('usage"', at - 1)) {
    if (json.charCodeAt(at - 1) !== QUOTE) continue;
    let from = at - 2;
    while (isSpace(json.charCodeAt(from))) from -= 1;
    if (json.charCodeAt(from) !== COMMA) continue;
    const value = valueAfter(json, at + 6);
    if (value === -1 || !json.startsWith('null', value)) continue;
    return { from, to: value + 4 };
  }
  return null;
}
