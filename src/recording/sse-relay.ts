import { StringDecoder } from 'node:string_decoder';
import { nullUsageIn } from '../usage/json-skim.js';
import { StreamTally } from '../usage/stream-tally.js';
import type { Operation, Provider } from '../usage/types.js';
import { blockData, blockEnd } from './sse-blocks.js';

const BOM = 0xfeff;
const LF = 10;
const CR = 13;

/**
 * Relays one SSE stream chunk by chunk while tallying its usage. When `hideUsage` is set (the
 * usage was asked for on the client's behalf), the client gets the upstream's text without the
 * usage-only chunk and without the `"usage": null` of every other chunk, each event as it came
 * otherwise (so the client sees exactly the stream it asked for); otherwise each chunk passes
 * through as the same bytes. Used by the proxy and the wrapper alike.
 *
 * Events are found in the text as blocks (`sse-blocks.ts`) and only their data is handed to the
 * tally: nothing is re-framed, and a chunk whose events need no change is relayed as decoded.
 */
export class SseRelay {
  readonly tally: StreamTally;
  readonly #hideUsage: boolean;
  // Node's decoder: several times faster than TextDecoder on chunks of a few hundred bytes.
  readonly #decoder = new StringDecoder('utf8');
  /** The text of an event whose end has not come yet, in pieces (joined once a line ends, not at every chunk). */
  #rest: string[] = [];
  /** True once a CR was seen: lines may then end in CRLF or CR, not only LF. */
  #cr = false;
  #started = false;
  /** A hidden event ended the last chunk with a CR: an LF first in the next is the rest of its CRLF, hidden too. */
  #hideLf = false;

  constructor(options: { provider: Provider; operation: Operation; hideUsage: boolean }) {
    this.tally = new StreamTally(options.provider, options.operation);
    this.#hideUsage = options.hideUsage;
  }

  /** Reads a chunk; returns what the client gets for it (possibly nothing: `null`). */
  push<T extends Uint8Array>(chunk: T): T | string | null {
    const decoded = this.#decoder.write(chunk);
    if (!this.#cr && decoded.includes('\r')) this.#cr = true;
    let text = decoded;
    let searchFrom = 0;
    if (this.#rest.length > 0) {
      if (!decoded.includes('\n') && !decoded.includes('\r')) {
        this.#rest.push(decoded);
        return this.#hideUsage ? null : chunk;
      }
      const rest = this.#rest.join('');
      this.#rest = [];
      text = rest + decoded;
      // An LF-only stream's rest holds no blank line: look for one from its last character on.
      searchFrom = rest.length - 1;
    }
    const out = this.#relay(text, searchFrom);
    return this.#hideUsage ? out : chunk;
  }

  /** Tallies the complete events of `text` and keeps the rest; returns the text to relay when hiding usage. */
  #relay(text: string, searchFrom: number): string | null {
    const cr = this.#cr;
    // text[copied, from) is relayed as it came; a cut adds what precedes it to `parts`. (Joined
    // once, they make a flat string, which encodes several times faster than a chain of `+=`.)
    let parts: string[] | undefined;
    let copied = 0;
    let from = 0;
    if (this.#hideLf && text !== '') {
      this.#hideLf = false;
      if (text.charCodeAt(0) === LF) copied = from = 1;
    }
    for (let end = blockEnd(text, { from, searchFrom, cr }); end !== -1; end = blockEnd(text, { from, searchFrom, cr })) {
      let start = from;
      if (!this.#started) {
        this.#started = true;
        if (text.charCodeAt(0) === BOM) start += 1;
      }
      const block = blockData(text, { start, end, cr });
      if (block !== null) {
        const usageOnly = this.tally.readData(block.data);
        if (usageOnly && this.#hideUsage) {
          (parts ??= []).push(text.slice(copied, from));
          copied = end;
          this.#hideLf = end === text.length && text.charCodeAt(end - 1) === CR;
        } else if (this.#hideUsage && block.at !== -1) {
          const cut = nullUsageIn(block.data);
          if (cut !== null) {
            (parts ??= []).push(text.slice(copied, block.at + cut.from));
            copied = block.at + cut.to;
          }
        }
      }
      from = end;
    }
    if (from < text.length) this.#rest.push(from === 0 ? text : text.slice(from));
    if (!this.#hideUsage) return null;
    const tail = text.slice(copied, from);
    const out = parts === undefined ? tail : (parts.push(tail), parts.join(''));
    return out === '' ? null : out;
  }
}
