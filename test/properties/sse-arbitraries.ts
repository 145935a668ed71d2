import fc from 'fast-check';
import type { SseEvent } from '../../src/usage/stream-tally.js';
import { usageLike } from './arbitraries.js';

/** Generators of server-sent event streams, provider-shaped and not, and their framing on the wire. */

const EVENT_NAMES = ['message_start', 'content_block_delta', 'message_delta', 'message_stop', 'response.output_text.delta',
  'response.completed', 'response.incomplete', 'response.failed', 'error', 'ping'];

/** Event payloads shaped like each provider's, with arbitrary values in every field. */
const shapedData = fc.oneof(
  fc.record({ id: fc.anything(), model: fc.anything(), choices: fc.oneof(fc.array(fc.record({ delta: fc.anything(), text: fc.anything(),
    finish_reason: fc.anything() }, { requiredKeys: [] }), { maxLength: 3 }), fc.anything()), usage: usageLike }, { requiredKeys: [] }),
  fc.record({ type: fc.constantFrom(...EVENT_NAMES), delta: fc.anything(), response: fc.oneof(fc.record({ id: fc.anything(),
    model: fc.anything(), usage: usageLike, status: fc.anything(), incomplete_details: fc.anything() }, { requiredKeys: [] }), fc.anything()) },
  { requiredKeys: [] }),
  fc.record({ type: fc.constantFrom(...EVENT_NAMES), message: fc.oneof(fc.record({ id: fc.anything(), model: fc.anything(), usage: usageLike },
    { requiredKeys: [] }), fc.anything()), usage: usageLike, delta: fc.anything() }, { requiredKeys: [] }),
);

/** The `data` of one event: a provider-shaped JSON, any JSON, `[DONE]`, or text that is not JSON. */
const data = fc.oneof(
  { weight: 3, arbitrary: shapedData.map((d) => JSON.stringify(d) ?? 'null') },
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.constant('[DONE]'),
  fc.string({ maxLength: 30, unit: 'binary' }),
);

/** One event: a known or made-up name, and any data. */
export const sseEvent: fc.Arbitrary<SseEvent> = fc.record(
  { event: fc.oneof(fc.constantFrom(...EVENT_NAMES), fc.string({ maxLength: 10 })), data },
  { requiredKeys: ['data'] },
);

/** An SSE stream as bytes on the wire: well-framed events, stray lines and comments, cut anywhere. */
export function frame(events: SseEvent[], noise: string[]): Buffer {
  let text = '';
  events.forEach((e, i) => {
    if (e.event !== undefined) text += `event: ${e.event.replace(/[\r\n]/g, '')}\n`;
    text += e.data.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`).join('');
    text += `${noise[i] ?? ''}\n`;
  });
  return Buffer.from(text, 'utf8');
}

/** Cuts bytes at the given offsets (mid UTF-8 sequences included). */
export function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}
