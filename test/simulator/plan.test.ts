import { describe, expect, it } from 'vitest';
import { planReply, splitIntoChunks } from '../../src/simulator/plan.js';
import { responseModelFor, isReasoningModel } from '../../src/simulator/models.js';
import { supportReply } from '../../src/simulator/replies.js';

describe('splitIntoChunks', () => {
  it('gives one chunk per word, with leading whitespace, joining back to the text', () => {
    expect(splitIntoChunks('Hi, how are you?  ')).toEqual(['Hi,', ' how', ' are', ' you?  ']);
    expect(splitIntoChunks('')).toEqual([]);
  });

  it('groups whole words into the requested count, or characters when there are too few words', () => {
    expect(splitIntoChunks('a b c d e', 2)).toEqual(['a b', ' c d e']);
    expect(splitIntoChunks('abc', 3)).toEqual(['a', 'b', 'c']);
    expect(splitIntoChunks('ab', 10)).toEqual(['a', 'b']);
  });
});

describe('planReply', () => {
  const base = { requestModel: 'gpt-4o-mini', countInput: () => 8, lastUserText: 'Hello' };

  it('does not count input when the script sets usage, and fills the missing parts with 0', () => {
    const plan = planReply({ ...base, script: { text: 'x', usage: { input: 10, output: 2 } }, countInput: () => { throw new Error('counted'); } });
    expect(plan.usage).toEqual({ input: 10, cacheRead: 0, cacheWrite: 0, output: 2, reasoning: 0 });
  });

  it('spends reasoning first when a reasoning model hits the limit', () => {
    // 64 reasoning tokens + 4 for "The quick brown fox" = 68 > 66, so 2 visible tokens remain.
    const plan = planReply({ ...base, requestModel: 'o3', script: { text: 'The quick brown fox' }, maxOutputTokens: 66 });
    expect(plan).toMatchObject({ text: 'The quick', truncated: true, usage: { output: 66, reasoning: 64 } });
  });

  it('returns null usage with omitUsage', () => {
    expect(planReply({ ...base, script: { omitUsage: true } }).usage).toBeNull();
  });
});

describe('models and replies', () => {
  it('maps aliases to dated snapshots and echoes the rest', () => {
    expect(responseModelFor('gpt-4o-mini')).toBe('gpt-4o-mini-2024-07-18');
    expect(responseModelFor('gpt-4o')).toBe('gpt-4o-2024-08-06');
    expect(responseModelFor('claude-sonnet-4')).toBe('claude-sonnet-4-20250514');
    expect(responseModelFor('claude-3-5-haiku-latest')).toBe('claude-3-5-haiku-20241022');
    expect(responseModelFor('llama-3-70b')).toBe('llama-3-70b');
  });

  it('knows the reasoning models', () => {
    expect(['o1', 'o3-mini', 'o4-mini-2025-04-16', 'gpt-5', 'gpt-5-nano'].every(isReasoningModel)).toBe(true);
    expect(['gpt-4o', 'o10', 'claude-sonnet-4-0'].some(isReasoningModel)).toBe(false);
  });

  it('answers deterministically by keyword', () => {
    expect(supportReply('I forgot my password')).toBe(supportReply('cannot log in'));
    expect(supportReply('where is my order?')).toMatch(/carrier/);
  });
});
