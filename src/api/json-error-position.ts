/** Where a JSON text stops being valid. */
export interface JsonErrorPosition {
  /** 0-based offset of the first offending character (the text's length at an unexpected end). */
  position: number;
  /** 1-based line and column of that character. */
  line: number;
  column: number;
}

const WS = new Set([' ', '\t', '\n', '\r']);

/**
 * Finds the first syntax error of a JSON text, or returns `null` when it is valid (or nested
 * too deeply to scan: the caller then names no position). V8's
 * `JSON.parse` messages do not always give a position, so a small scanner does.
 *
 * @example
 * jsonErrorPosition('{"a":}'); // { position: 5, line: 1, column: 6 }
 */
export function jsonErrorPosition(text: string): JsonErrorPosition | null {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const skip = (): void => {
    while (i < text.length && WS.has(text[i])) i++;
  };
  const literal = (word: string): void => {
    for (const ch of word) if (text[i++] !== ch) (i--, fail());
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail();
      const ch = text[i];
      if (ch === '"') return void i++;
      if (ch < ' ') fail();
      if (ch === '\\') {
        i++;
        if (text[i] === 'u') {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) (i += k, fail());
          i += 5;
        } else if ('"\\/bfnrt'.includes(text[i] ?? 'x')) i++;
        else fail();
      } else i++;
    }
  };
  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (match === null || match[0] === '' || match[0] === '-') fail();
    i += match![0].length;
  };
  const value = (): void => {
    skip();
    const ch = text[i];
    if (ch === '{') return object();
    if (ch === '[') return array();
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    if (ch === '-' || (ch >= '0' && ch <= '9')) return number();
    fail();
  };
  const object = (): void => {
    i++;
    skip();
    if (text[i] === '}') return void i++;
    for (;;) {
      skip();
      if (text[i] !== '"') fail();
      string();
      skip();
      if (text[i] !== ':') fail();
      i++;
      value();
      skip();
      if (text[i] === ',') i++;
      else if (text[i] === '}') return void i++;
      else fail();
    }
  };
  const array = (): void => {
    i++;
    skip();
    if (text[i] === ']') return void i++;
    for (;;) {
      value();
      skip();
      if (text[i] === ',') i++;
      else if (text[i] === ']') return void i++;
      else fail();
    }
  };
  try {
    value();
    skip();
    if (i < text.length) fail();
    return null;
  } catch (at) {
    if (typeof at !== 'number') return null; // RangeError: nesting deeper than the stack
    const position = Math.min(at, text.length);
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    return { position, line, column: position - before.lastIndexOf('\n') };
  }
}
