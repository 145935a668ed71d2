import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseRelay } from '../../src/recording/sse-relay.js';
import { StreamTally } from '../../src/usage/stream-tally.js';
import type { Operation, Provider } from '../../src/usage/types.js';
import { expectValidUsage } from './arbitraries.js';
import { cut, frame, sseEvent as event } from './sse-arbitraries.js';

// Runs per property; each run is a whole stream of up to 20 events.
const RUNS = 500;

const route = fc.constantFrom<[Provider, Operation]>(
  ['openai', 'chat'], ['openai', 'completions'], ['openai', 'responses'], ['openai', 'embeddings'], ['anthropic', 'messages'],
);

describe('the stream tally on arbitrary SSE event sequences', () => {
  it('never throws, and what it says is well-formed', () => {
    fc.assert(
      fc.property(route, fc.array(event, { maxLength: 20 }), ([provider, operation], events) => {
        const tally = new StreamTally(provider, operation);
        for (const e of events) expect(typeof tally.read(e)).toBe('boolean');
        const facts = tally.facts();
        expectValidUsage(facts.usage);
        expect(facts.model === null || typeof facts.model === 'string').toBe(true);
        expect(facts.finishReasons.every((r) => typeof r === 'string')).toBe(true);
        expect(typeof tally.text()).toBe('string');
      }),
      { numRuns: RUNS },
    );
  });

  it('relays any byte stream cut anywhere: unchanged when not hiding usage, never a throw when hiding it', () => {
    const noise = fc.array(fc.oneof(fc.constant(''), fc.string({ maxLength: 12 }).map((s) => `: ${s.replace(/[\r\n]/g, '')}\n`),
      fc.constantFrom('retry: 10\n', 'id: 7\n', 'garbage\n', '\r\n')), { maxLength: 20 });
    fc.assert(
      fc.property(route, fc.array(event, { maxLength: 20 }), noise, fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(),
        ([provider, operation], events, extra, offsets, hideUsage) => {
          const relay = new SseRelay({ provider, operation, hideUsage });
          const bytes = frame(events, extra);
          const out: Array<Uint8Array | string> = [];
          for (const chunk of cut(bytes, offsets)) {
            const relayed = relay.push(chunk);
            if (relayed !== null) out.push(relayed);
          }
          if (!hideUsage) expect(Buffer.concat(out.map((o) => Buffer.from(o as Uint8Array)))).toEqual(bytes);
          else expect(out.every((o) => typeof o === 'string')).toBe(true);
          expectValidUsage(relay.tally.facts().usage);
        }),
      { numRuns: RUNS },
    );
  });
});
