import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamTally } from '../../src/usage/stream-tally.js';
import type { Operation, Provider } from '../../src/usage/types.js';
import { sseEvent } from '../properties/sse-arbitraries.js';

const ROUTES: Array<[Provider, Operation]> = [['openai', 'chat'], ['openai', 'completions'], ['openai', 'responses'], ['anthropic', 'messages']];
const route = fc.constantFrom(...ROUTES);

/**
 * A tally that parses every event: data that does not start with `{` is never skimmed, and a
 * leading space changes nothing for JSON.parse. What it says is what the tally said before it
 * learnt to skim.
 */
function parsingTally(provider: Provider, operation: Operation) {
  const tally = new StreamTally(provider, operation);
  return { tally, read: (data: string) => tally.readData(data.startsWith('{') ? ` ${data}` : data) };
}

/** Reads `events` into a skimming and a parsing tally; returns both, and both answers of every read. */
function readBoth([provider, operation]: [Provider, Operation], events: string[]) {
  const skimming = new StreamTally(provider, operation);
  const parsing = parsingTally(provider, operation);
  const answers = events.map((data) => [skimming.readData(data), parsing.read(data)]);
  return { skimming, parsing: parsing.tally, answers };
}

/** JSON objects made of the keys the tally looks for, at any depth, with values that matter to it. */
const { object: keyedObject } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, '', 'gpt-4o-mini', 'other-model', 'stop', 'message_start', 'message_delta', 'message_stop', 'content_block_delta',
      'response.output_text.delta', 'response.completed', 'usage', 'text', 'say "usage": 1'),
    fc.string({ maxLength: 6 }),
    fc.nat(),
    tie('object'),
    fc.array(tie('value'), { maxLength: 3 }),
  ),
  object: fc.dictionary(
    fc.constantFrom('id', 'model', 'usage', 'finish_reason', 'choices', 'delta', 'content', 'text', 'type', 'response', 'message',
      'thinking', 'partial_json', 'prompt_tokens', 'completion_tokens', 'input_tokens', 'output_tokens', 'stop_reason'),
    tie('value'),
    { maxKeys: 6 },
  ),
}));

/** Data an event of a stream could hold: JSON of those keys, compact or spaced, and the events of the general generator. */
const eventData = fc.oneof(
  { weight: 3, arbitrary: keyedObject.map((o) => JSON.stringify(o)) },
  keyedObject.map((o) => JSON.stringify(o, null, 1).replace(/\n/g, ' ')),
  sseEvent.map((e) => e.data),
);

/** Text a model could stream, with what JSON escapes and what could be mistaken for a key. */
const streamedText = fc.oneof(fc.string({ maxLength: 12, unit: 'grapheme' }), fc.constantFrom('"content":"x"', '\\', '\n', 'usage": {"a":1}', '"', ''));

const chatChunk = (content: string, i: number) => JSON.stringify({
  id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18', system_fingerprint: 'fp_1',
  choices: [{ index: 0, delta: i === 0 ? { role: 'assistant', content, refusal: null } : { content }, logprobs: null, finish_reason: null }], usage: null,
});
const SHAPED: Record<string, (text: string, i: number) => string> = {
  'openai/chat': chatChunk,
  'openai/completions': (text) => JSON.stringify({ id: 'cmpl-1', object: 'text_completion', created: 1, model: 'gpt-3.5-turbo-instruct', choices: [{ text, index: 0, logprobs: null, finish_reason: null }] }),
  'openai/responses': (delta, i) => JSON.stringify({ type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta, logprobs: [], sequence_number: i }),
  'anthropic/messages': (text, i) => JSON.stringify({ type: 'content_block_delta', index: 0, delta: i % 3 === 2 ? { type: 'thinking_delta', thinking: text } : { type: 'text_delta', text } }),
};

describe('the stream tally skims events that can only add text', () => {
  it('says what parsing every event says: model, id, usage, finish reasons, end and usage-only chunks', () => {
    fc.assert(
      fc.property(route, fc.array(eventData, { maxLength: 12 }), (r, events) => {
        const { skimming, parsing, answers } = readBoth(r, events);
        for (const [skimmed, parsed] of answers) expect(skimmed).toBe(parsed);
        expect(skimming.facts()).toEqual(parsing.facts());
        expect(skimming.ended).toBe(parsing.ended);
      }),
      { numRuns: 2000 },
    );
  });

  it('collects the same text as parsing does from events shaped as each provider shapes them', () => {
    fc.assert(
      fc.property(route, fc.array(streamedText, { maxLength: 20 }), (r, texts) => {
        const { skimming, parsing } = readBoth(r, texts.map((text, i) => SHAPED[r.join('/')]!(text, i)));
        expect(skimming.text()).toBe(parsing.text());
        expect(skimming.text()).toBe(texts.join(''));
      }),
      { numRuns: 500 },
    );
  });

  it('reads a chat stream: the model of its last chunk that has one, its first id, its finish reason and usage', () => {
    const tally = new StreamTally('openai', 'chat');
    const events = [
      chatChunk('Hel', 0),
      chatChunk('lo', 1),
      // A chunk naming another model, and one with a tool call and a null content: parsed, not skimmed.
      chatChunk(' there', 2).replace('gpt-4o-mini-2024-07-18', 'gpt-4o-mini-2024-09-01'),
      JSON.stringify({ id: 'chatcmpl-2', model: 'gpt-4o-mini-2024-09-01', choices: [{ index: 0, delta: { content: null, tool_calls: [{ index: 0, id: 'call_1', function: { arguments: '{"content":"no"}' } }] }, finish_reason: null }], usage: null }),
      JSON.stringify({ id: 'chatcmpl-2', model: 'gpt-4o-mini-2024-09-01', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }], usage: null }),
      JSON.stringify({ id: 'chatcmpl-2', model: 'gpt-4o-mini-2024-09-01', choices: [], usage: { prompt_tokens: 12, completion_tokens: 5 } }),
      '[DONE]',
    ];
    // Only the usage chunk (no choices, a usage) is one to hide.
    expect(events.map((data) => tally.readData(data))).toEqual([false, false, false, false, false, true, false]);
    expect(tally.facts()).toEqual({
      model: 'gpt-4o-mini-2024-09-01',
      id: 'chatcmpl-1',
      finishReasons: ['tool_calls'],
      usage: { inputTokens: 12, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0 },
    });
    expect(tally.text()).toBe('Hello there');
    expect(tally.ended).toBe(true);
  });
});
