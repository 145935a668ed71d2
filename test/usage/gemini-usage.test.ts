import { describe, expect, it } from 'vitest';
import { SseRelay } from '../../src/recording/sse-relay.js';
import { readResponse } from '../../src/usage/read-response.js';
import { parseUsage } from '../../src/usage/parse-usage.js';

// Gemini's usageMetadata (https://ai.google.dev/api/generate-content#UsageMetadata) in the
// ledger's shape: input = promptTokenCount (cache included) + toolUsePromptTokenCount;
// output = candidatesTokenCount + thoughtsTokenCount (thinking billed as output).
describe("Gemini's usageMetadata", () => {
  it('adds the tool-use prompt to input and the thoughts to output, the cache a part of input', () => {
    const usage = parseUsage('gemini', {
      promptTokenCount: 1000, cachedContentTokenCount: 200, toolUsePromptTokenCount: 150,
      candidatesTokenCount: 20, thoughtsTokenCount: 30, totalTokenCount: 1200,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 900 }, { modality: 'AUDIO', tokenCount: 100 }],
    });
    // input 1000 + 150 = 1150; output 20 + 30 = 50; total 1150 + 50 = 1200, as Google says.
    expect(usage).toEqual({ inputTokens: 1150, cacheReadTokens: 200, cacheWriteTokens: 0, outputTokens: 50, reasoningTokens: 30, inputAudioTokens: 100 });
  });

  it('is null without a count, and keeps parts within their wholes for malformed bodies', () => {
    expect(parseUsage('gemini', { trafficType: 'ON_DEMAND' })).toBeNull();
    expect(parseUsage('gemini', null)).toBeNull();
    expect(parseUsage('gemini', { promptTokenCount: 10, cachedContentTokenCount: 50, thoughtsTokenCount: -3, candidatesTokenCount: 'x' })).toEqual({
      inputTokens: 10, cacheReadTokens: 10, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0,
    });
  });

  it('reads a whole answer: modelVersion, responseId, each candidate finishReason', () => {
    const facts = readResponse('gemini', 'generate_content', {
      candidates: [{ content: { parts: [{ text: 'Hi' }], role: 'model' }, finishReason: 'MAX_TOKENS', index: 0 }],
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2, totalTokenCount: 7 },
      modelVersion: 'gemini-2.0-flash', responseId: 'abc',
    });
    expect(facts).toEqual({ model: 'gemini-2.0-flash', id: 'abc', finishReasons: ['MAX_TOKENS'], usage: { inputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 2, reasoningTokens: 0 } });
  });

  it('reads a stream framed with CRLF CRLF, the last chunk\'s usage being the call\'s, split anywhere', () => {
    const chunk = (text: string, usage: unknown, finish?: string) =>
      `data: ${JSON.stringify({ candidates: [{ content: { parts: [{ text }], role: 'model' }, ...(finish ? { finishReason: finish } : {}), index: 0 }], usageMetadata: usage, modelVersion: 'gemini-2.5-flash', responseId: 'r1' })}\r\n\r\n`;
    const partial = { promptTokenCount: 12, totalTokenCount: 12 };
    const stream = chunk('Hello', partial) + chunk(' there', partial) + chunk('', { promptTokenCount: 12, candidatesTokenCount: 2, thoughtsTokenCount: 64, totalTokenCount: 78 }, 'STOP');
    for (const size of [1, 7, stream.length]) {
      const relay = new SseRelay({ provider: 'gemini', operation: 'generate_content', hideUsage: false });
      let relayed = '';
      for (let at = 0; at < stream.length; at += size) relayed += String(relay.push(Buffer.from(stream.slice(at, at + size))));
      expect(relayed, `pieces of ${size}`).toBe(stream);
      expect(relay.tally.facts(), `pieces of ${size}`).toEqual({
        model: 'gemini-2.5-flash', id: 'r1', finishReasons: ['STOP'],
        // 12 in; 2 + 64 = 66 out, of which 64 thinking.
        usage: { inputTokens: 12, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 66, reasoningTokens: 64 },
      });
      expect(relay.tally.text()).toBe('Hello there');
      expect(relay.tally.ended).toBe(true);
    }
  });
});
