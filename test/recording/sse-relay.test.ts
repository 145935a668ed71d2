import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseRelay } from '../../src/recording/sse-relay.js';
import { StreamTally } from '../../src/usage/stream-tally.js';
import type { Operation, Provider } from '../../src/usage/types.js';
import { cut, frame, sseEvent } from '../properties/sse-arbitraries.js';

/** How the upstream frames its stream: line ends, the spacing of its JSON, comments between events. */
interface Framing {
  newline: '\n' | '\r\n' | '\r';
  /** `, "usage": null` (Python's json.dumps) rather than `,"usage":null`. */
  spaced: boolean;
  /** A `: keep-alive` comment before every third event. */
  comments: boolean;
}

/**
 * One chat stream as an OpenAI-compatible upstream sends it, with and without
 * `stream_options.include_usage`: with it, every chunk ends in a null usage and a usage-only
 * chunk comes last. The bytes a client that did not ask for usage must get are the `without` ones.
 */
function chatStream(texts: string[], framing: Framing) {
  const { newline: nl } = framing;
  const chunk = (choices: unknown[]) => JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18', choices });
  const withUsage = (json: string, usage: string) => `${json.slice(0, -1)}${framing.spaced ? `, "usage": ${usage}` : `,"usage":${usage}`}}`;
  const events = [
    ...texts.map((content) => chunk([{ index: 0, delta: { content }, finish_reason: null }])),
    chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
  ];
  const frame = (data: string, i: number) => `${framing.comments && i % 3 === 0 ? `: keep-alive${nl}` : ''}data: ${data}${nl}${nl}`;
  const done = `data: [DONE]${nl}${nl}`;
  return {
    with: Buffer.from(events.map((e, i) => frame(withUsage(e, 'null'), i)).join('') + frame(withUsage(chunk([]), '{"prompt_tokens":9,"completion_tokens":4}'), 1) + done),
    without: Buffer.from(events.map(frame).join('') + done),
  };
}

function relayAll(relay: SseRelay, chunks: Buffer[]): Array<Uint8Array | string> {
  const out: Array<Uint8Array | string> = [];
  for (const chunk of chunks) {
    const relayed = relay.push(chunk);
    if (relayed !== null) out.push(relayed);
  }
  return out;
}

const framing = fc.record({ newline: fc.constantFrom<Framing['newline']>('\n', '\r\n', '\r'), spaced: fc.boolean(), comments: fc.boolean() });
const texts = fc.array(fc.oneof(fc.string({ maxLength: 8, unit: 'grapheme' }), fc.constantFrom('é', '😀', '"usage":null', ', "usage": null', '\\n', '\n\n')), { maxLength: 12 });

const route = fc.constantFrom<[Provider, Operation]>(['openai', 'chat'], ['openai', 'completions'], ['openai', 'responses'], ['anthropic', 'messages']);
const noise = fc.array(fc.oneof(fc.constant(''), fc.string({ maxLength: 12 }).map((s) => `: ${s.replace(/[\r\n]/g, '')}\n`),
  fc.constantFrom('retry: 10\n', 'id: 7\n', 'garbage\n', '\r\n', '\r', 'data\n', 'event: x\r\n', '\ufeff')), { maxLength: 20 });

describe('the SSE relay', () => {
  it('finds the events eventsource-parser finds, in any byte stream cut anywhere', () => {
    fc.assert(
      fc.property(route, fc.array(sseEvent, { maxLength: 20 }), noise, fc.constantFrom('\n', '\r\n', '\r'), fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(),
        ([provider, operation], events, extra, newline, offsets, hideUsage) => {
          const bytes = Buffer.from(frame(events, extra).toString().replace(/\n/g, newline));
          const relay = new SseRelay({ provider, operation, hideUsage });
          relayAll(relay, cut(bytes, offsets));
          // The events as eventsource-parser dispatches them, each parsed whole (never skimmed: see test/usage).
          const reference = new StreamTally(provider, operation);
          const parser = createParser({ onEvent: (e) => reference.readData(e.data.startsWith('{') ? ` ${e.data}` : e.data) });
          // A CR last ends a line for the relay when that line is blank (an LF after it would be one more blank
          // line, which dispatches nothing); eventsource-parser waits for what follows it: tell it.
          const text = new TextDecoder().decode(bytes);
          parser.feed(text.endsWith('\r') ? `${text}\n` : text);
          expect(relay.tally.facts()).toEqual(reference.facts());
          expect(relay.tally.ended).toBe(reference.ended);
        }),
      { numRuns: 1000 },
    );
  });

  it('hides the usage asked for on the client\'s behalf: the client gets the bytes of the stream it asked for, however the stream is cut', () => {
    fc.assert(
      fc.property(texts, framing, fc.array(fc.nat(), { maxLength: 10 }), (contents, f, offsets) => {
        const stream = chatStream(contents, f);
        const relay = new SseRelay({ provider: 'openai', operation: 'chat', hideUsage: true });
        // Cut anywhere, multi-byte characters and CRLFs included.
        const out = relayAll(relay, cut(stream.with, offsets));
        expect(out.every((o) => typeof o === 'string')).toBe(true);
        expect(Buffer.from(out.join(''))).toEqual(stream.without);
        // 9 input tokens, 4 output, as the usage chunk says.
        expect(relay.tally.facts()).toMatchObject({ finishReasons: ['stop'], usage: { inputTokens: 9, outputTokens: 4 } });
        expect(relay.tally.text()).toBe(contents.join(''));
      }),
      { numRuns: 500 },
    );
  });

  it('passes every chunk through as the very same object when usage is not hidden, and tallies it', () => {
    const stream = chatStream(['Hello', ' wörld 😀'], { newline: '\n', spaced: false, comments: true });
    // Cut inside the emoji's four bytes.
    const at = stream.with.indexOf('😀');
    const chunks = [stream.with.subarray(0, at + 2), stream.with.subarray(at + 2)];
    const relay = new SseRelay({ provider: 'openai', operation: 'chat', hideUsage: false });
    const out = relayAll(relay, chunks);
    expect(out).toHaveLength(2);
    expect(out[0]).toBe(chunks[0]);
    expect(out[1]).toBe(chunks[1]);
    expect(relay.tally.text()).toBe('Hello wörld 😀');
    expect(relay.tally.facts().usage).toMatchObject({ inputTokens: 9, outputTokens: 4 });
  });

  it('relays an event held back across chunks once its blank line comes, and nothing before', () => {
    const relay = new SseRelay({ provider: 'openai', operation: 'chat', hideUsage: true });
    expect(relay.push(Buffer.from('data: {"choices":[{"delta":{"content":"a"}}],"usage":null}'))).toBeNull();
    expect(relay.push(Buffer.from('\n'))).toBeNull();
    expect(relay.push(Buffer.from('\ndata: {"choices":[{"delta":{"content":"b"}}],"usage":null}\n\nda'))).toBe(
      'data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: {"choices":[{"delta":{"content":"b"}}]}\n\n',
    );
    expect(relay.tally.text()).toBe('ab');
  });

  it('reads an event of several CRLF-ended data lines cut anywhere, a CR and its LF apart included', () => {
    const bytes = Buffer.from('data: {"choices":[],\r\ndata: "usage":{"prompt_tokens":3,"completion_tokens":2}}\r\n\r\ndata: [DONE]\r\n\r\n');
    for (let at = 0; at <= bytes.length; at += 1) {
      const relay = new SseRelay({ provider: 'openai', operation: 'chat', hideUsage: false });
      relayAll(relay, [bytes.subarray(0, at), bytes.subarray(at)]);
      expect(relay.tally.facts().usage, `cut at ${at}`).toMatchObject({ inputTokens: 3, outputTokens: 2 });
    }
  });

  it('keeps event names, ids and multi-line data as they came (Anthropic, Responses)', () => {
    const text = 'event: content_block_delta\nid: 7\ndata: {"type":"content_block_delta","index":0,\ndata: "delta":{"type":"text_delta","text":"Hi"}}\n\n';
    const relay = new SseRelay({ provider: 'anthropic', operation: 'messages', hideUsage: true });
    expect(relay.push(Buffer.from(text))).toBe(text);
    expect(relay.tally.text()).toBe('Hi');
  });
});
