import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import { StreamTally } from '../usage/stream-tally.js';
import type { Operation, Provider } from '../usage/types.js';

/** Removes the `"usage": null` that `include_usage` adds to every chunk. */
const NULL_USAGE = /,\s*"usage"\s*:\s*null/;

/** Re-frames one event the way OpenAI frames it, with its null usage removed. */
function reframe(event: EventSourceMessage): string {
  const name = event.event ? `event: ${event.event}\n` : '';
  const data = event.data.replace(NULL_USAGE, '').split('\n').map((line) => `data: ${line}\n`).join('');
  return `${name}${data}\n`;
}

/**
 * Relays one SSE stream chunk by chunk while tallying its usage. When `hideUsage` is set (the
 * usage was asked for on the client's behalf), events are re-framed one by one without the
 * usage-only chunk and `"usage": null`, so the client sees exactly the stream it asked for;
 * otherwise each chunk passes through as the same bytes. Used by the proxy and the wrapper alike.
 */
export class SseRelay {
  readonly tally: StreamTally;
  readonly #hideUsage: boolean;
  readonly #parser: EventSourceParser;
  readonly #decoder = new TextDecoder();
  #pending = '';

  constructor(options: { provider: Provider; operation: Operation; hideUsage: boolean }) {
    this.tally = new StreamTally(options.provider, options.operation);
    this.#hideUsage = options.hideUsage;
    this.#parser = createParser({
      onEvent: (event) => {
        const usageOnly = this.tally.read(event);
        if (this.#hideUsage && !usageOnly) this.#pending += reframe(event);
      },
      onComment: (comment) => {
        if (this.#hideUsage) this.#pending += `:${comment}\n\n`;
      },
    });
  }

  /** Reads a chunk; returns what the client gets for it (possibly nothing: `null`). */
  push<T extends Uint8Array>(chunk: T): T | string | null {
    this.#parser.feed(this.#decoder.decode(chunk, { stream: true }));
    if (!this.#hideUsage) return chunk;
    const out = this.#pending;
    this.#pending = '';
    return out === '' ? null : out;
  }
}
