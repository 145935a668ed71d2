/**
 * Server-sent events as blocks of text: the lines of one event up to the blank line that ends
 * it, found and read in place, so that a relay can pass each block on as it came (or cut a few
 * characters out of it) instead of re-framing what a parser made of it. Lines end in LF, CRLF
 * or CR, as the SSE specification allows; field parsing follows it (and `eventsource-parser`).
 */

const LF = 10;
const CR = 13;
const SPACE = 32;
const COLON = 58;

/**
 * Where the block that starts at `from` ends (just after its blank line), or -1 when its blank
 * line has not come yet. `cr`: the stream may end lines with CR too; otherwise only LF is looked
 * for, and the search may start at `searchFrom` (past text already known to hold no end).
 */
export function blockEnd(text: string, options: { from: number; searchFrom: number; cr: boolean }): number {
  const { from, cr } = options;
  if (!cr) {
    const at = text.indexOf('\n\n', Math.max(from, options.searchFrom));
    return at === -1 ? -1 : at + 2;
  }
  for (let lineStart = from; ; ) {
    const end = lineEndCr(text, lineStart, text.length);
    if (end === text.length) return -1;
    // A CR last may be the first half of a CRLF. Ending a blank line, it ends the block: an LF
    // after it is one more blank line, which dispatches nothing. Ending another line, the block
    // is not complete anyway, and is read again whole once it is.
    const next = afterLineEnd(text, end);
    if (end === lineStart) return next;
    lineStart = next;
  }
}

/** The data of a block's event: its text, and where it starts in the block's text when it is one slice of it (-1: several data lines, joined). */
export interface BlockData {
  data: string;
  at: number;
}

/**
 * The event a block holds: its data, or `null` when it has no data line (comments, a lone
 * `event:`, blank lines), which dispatches nothing. `start`/`end` as {@link blockEnd} found them.
 */
export function blockData(text: string, options: { start: number; end: number; cr: boolean }): BlockData | null {
  const { start, end, cr } = options;
  // The usual block, `data: ...\n\n`, read without walking its lines.
  if (!cr && text.startsWith('data:', start) && text.charCodeAt(end - 2) === LF && text.indexOf('\n', start) === end - 2) {
    const at = text.charCodeAt(start + 5) === SPACE ? start + 6 : start + 5;
    return { data: text.slice(at, end - 2), at };
  }
  let data = '';
  let lines = 0;
  let at = -1;
  for (let lineStart = start; lineStart < end; ) {
    const lineEnd = cr ? lineEndCr(text, lineStart, end) : text.indexOf('\n', lineStart);
    if (lineEnd === lineStart) {
      if (lines > 0) return { data, at: lines === 1 ? at : -1 };
    } else if (text.startsWith('data', lineStart) && (lineEnd === lineStart + 4 || text.charCodeAt(lineStart + 4) === COLON)) {
      // `data` alone is a data line with an empty value.
      const valueStart = lineEnd === lineStart + 4 ? lineEnd : text.charCodeAt(lineStart + 5) === SPACE ? lineStart + 6 : lineStart + 5;
      const value = text.slice(valueStart, lineEnd);
      data = lines === 0 ? value : `${data}\n${value}`;
      if (lines === 0) at = valueStart;
      lines += 1;
    }
    lineStart = afterLineEnd(text, lineEnd);
  }
  return null;
}

/** The end of the line starting at `from` (the index of its CR or LF), or `limit`. */
function lineEndCr(text: string, from: number, limit: number): number {
  let i = from;
  while (i < limit) {
    const code = text.charCodeAt(i);
    if (code === LF || code === CR) break;
    i += 1;
  }
  return i;
}

/** The start of the next line, after the line end at `end` (CRLF counts as one). */
function afterLineEnd(text: string, end: number): number {
  return text.charCodeAt(end) === CR && text.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
}
