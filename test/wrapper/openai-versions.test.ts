import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import OpenAIv4 from 'openai-v4';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { wrapOpenAI } from '../../src/wrapper/index.js';
import { eventually } from '../support/proxy-harness.js';
import { useWrapperHarness } from './wrapper-harness.js';

// The oldest and the newest openai majors the package supports (peer dependency
// "^4.104.0 || ^5.0.0 || ^6.0.0"): openai 4.104.0 (installed as `openai-v4`; it calls node-fetch,
// whose bodies are Node.js streams) and openai 6.49.0 (the platform's fetch).
//
// gpt-4o-mini in the bundled price database: 0.15 input, 0.075 cached input, 0.6 output (USD / 1M).
// Scripted usage: 1,000 input of which 400 cached, 50 output.
// (1000 - 400) x 0.15 + 400 x 0.075 + 50 x 0.6 = 90 + 30 + 30 = 150 per million = $0.00015.
const USAGE = { input: 1000, cacheRead: 400, output: 50 };
const COST = 0.00015;

const h = useWrapperHarness();
const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Where is my parcel?' }] };
const row = (conversationId: string) => eventually(() => h.rows().find((r) => r.conversation_id === conversationId));

const versions = [
  { name: 'openai 6', make: () => new OpenAI({ apiKey: 'sk-test', baseURL: h.sim.openaiBaseUrl, maxRetries: 0 }) },
  // One type for both, for the shared tests below (the wrapper takes either as it is: see the last test).
  { name: 'openai 4', make: () => new OpenAIv4({ apiKey: 'sk-test', baseURL: h.sim.openaiBaseUrl, maxRetries: 0 }) as unknown as OpenAI },
];

for (const { name, make } of versions) {
  describe(`a wrapped ${name} client`, () => {
    const tag = name.replace(' ', '');

    it('records a non-streamed chat completion, priced, and returns the same answer', async () => {
      const client = wrapOpenAI(make(), { recorder: h.recorder, prices: h.prices });
      h.sim.enqueue({ text: 'It left the depot this morning.', usage: USAGE });
      const { data, response } = await client.chat.completions.create(ask, { headers: { 'x-cpr-conversation-id': `${tag}-plain` } }).withResponse();
      expect(data.choices[0]!.message.content).toBe('It left the depot this morning.');
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toMatch(/^req_/);
      // The x-cpr-* header never left the process.
      expect(h.sim.requests[0]!.headers['x-cpr-conversation-id']).toBeUndefined();
      const recorded = await row(`${tag}-plain`);
      expect(recorded).toMatchObject({ status: 'ok', streamed: 0, input_tokens: 1000, cache_read_tokens: 400, output_tokens: 50, estimated: 0, response_id: data.id });
      expect(recorded.cost_usd).toBeCloseTo(COST, 12);
    });

    it('records a streamed chat completion, hiding the usage it asked for', async () => {
      const client = wrapOpenAI(make(), { recorder: h.recorder, prices: h.prices });
      h.sim.enqueue({ text: 'One two three four', usage: USAGE });
      const stream = await client.chat.completions.create({ ...ask, stream: true }, { headers: { 'x-cpr-conversation-id': `${tag}-stream` } });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('One two three four');
      expect(chunks.some((c) => 'usage' in c)).toBe(false);
      expect(JSON.parse(h.sim.requests[0]!.body).stream_options).toEqual({ include_usage: true });
      const recorded = await row(`${tag}-stream`);
      expect(recorded).toMatchObject({ status: 'ok', streamed: 1, input_tokens: 1000, cache_read_tokens: 400, output_tokens: 50, estimated: 0 });
      expect(recorded.cost_usd).toBeCloseTo(COST, 12);
    });

    it('records the .stream() helper of the Responses API', async () => {
      const client = wrapOpenAI(make(), { recorder: h.recorder, prices: h.prices });
      h.sim.enqueue({ text: 'Refund issued.', usage: USAGE });
      const stream = client.responses.stream({ model: 'gpt-4o-mini', input: 'Refund?' }, { headers: { 'x-cpr-conversation-id': `${tag}-responses` } });
      const final = await stream.finalResponse();
      // `output_text` is not set on a streamed final response by openai 4: read the message itself.
      const message = final.output.find((item) => item.type === 'message');
      expect(message?.type === 'message' && message.content[0]?.type === 'output_text' ? message.content[0].text : undefined).toBe('Refund issued.');
      const recorded = await row(`${tag}-responses`);
      expect(recorded).toMatchObject({ operation: 'responses', status: 'ok', streamed: 1, input_tokens: 1000, cache_read_tokens: 400, output_tokens: 50 });
      expect(recorded.cost_usd).toBeCloseTo(COST, 12);
    });

    it('records a stream the caller leaves early as aborted, usage estimated', async () => {
      const client = wrapOpenAI(make(), { recorder: h.recorder, prices: h.prices });
      h.sim.enqueue({ text: 'one two three four five six seven eight nine ten', usage: USAGE, chunkDelayMs: 20 });
      const stream = await client.chat.completions.create({ ...ask, stream: true }, { headers: { 'x-cpr-conversation-id': `${tag}-left` } });
      for await (const chunk of stream) {
        void chunk;
        break;
      }
      const recorded = await row(`${tag}-left`);
      expect(recorded).toMatchObject({ status: 'aborted', streamed: 1, estimated: 1 });
    });
  });
}

describe('wrapOpenAI() types', () => {
  it('takes an openai 4 client and returns it typed as itself', () => {
    const client = new OpenAIv4({ apiKey: 'sk-test', baseURL: h.sim.openaiBaseUrl });
    const wrapped: OpenAIv4 = wrapOpenAI(client, { recorder: h.recorder, prices: h.prices });
    expect(wrapped).toBe(client);
  });
});

describe('wrapOpenAI() refuses what is not an openai client', () => {
  it('an Anthropic client, naming the supported versions and wrapAnthropic() as the way for it', () => {
    const anthropic = new Anthropic({ apiKey: 'sk-ant-test', baseURL: h.sim.anthropicBaseUrl });
    const wrapping = () => wrapOpenAI(anthropic as unknown as OpenAI, { recorder: h.recorder, prices: h.prices });
    expect(wrapping).toThrow(ConfigError);
    expect(wrapping).toThrow(
      "wrapOpenAI() records clients of the openai package (openai 4.x (4.104 or later), 5.x or 6.x); this is an Anthropic client: wrap it with wrapAnthropic() (meter.wrapAnthropic(client)).",
    );
  });

  it('anything else, saying what it lacks', () => {
    expect(() => wrapOpenAI({ fetch } as unknown as OpenAI, { recorder: h.recorder, prices: h.prices })).toThrow(
      'wrapOpenAI() records clients of the openai package (openai 4.x (4.104 or later), 5.x or 6.x), made with new OpenAI(); this is not one (it has no chat.completions.create).',
    );
  });
});
