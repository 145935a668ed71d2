import { Tiktoken } from 'js-tiktoken/lite';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
import { describe, expect, it } from 'vitest';
import { TokenCounter } from '../../src/usage/token-counter.js';

// The reference is js-tiktoken itself: the counter must agree with `encode(text).length` on
// every text, since estimated usage was counted with it before and is compared with it in tests.
const counter = new TokenCounter(o200kBase);
const reference = new Tiktoken(o200kBase);

describe('TokenCounter (o200k_base)', () => {
  it('counts "Hello, world!" as 4 tokens: "Hello", ",", " world", "!"', () => {
    expect(counter.count('Hello, world!')).toBe(4);
  });

  it('counts nothing in an empty text', () => {
    expect(counter.count('')).toBe(0);
  });

  it.each([
    ['an English prompt', 'Hi, I ordered a pair of running shoes last Monday (order 58213) and the tracking page still says "label created".'],
    ['code', 'export function costOf(usage: Usage, prices: UnitPrices): number {\n  return usage.inputTokens * prices.input / 1e6;\n}'],
    ['Japanese', '注文した靴がまだ届きません。追跡番号を教えてください。'],
    ['Arabic and Cyrillic', 'مرحبا بالعالم — Привет, мир'],
    ['emoji with joiners', 'thanks 🎉🎉 family: 👩‍👩‍👧'],
    ['runs of whitespace', 'a  b   c\t\td\n\n\ne    '],
    ['a long run of one letter', 'x'.repeat(600)],
    ['a repeated pair', 'ab'.repeat(300)],
    ['digits', '1234567890'.repeat(20)],
    ['contractions', "it's don't I'll we've they'd"],
    ['a lone surrogate (encoded as U+FFFD)', 'broken \ud800 text'],
  ])('agrees with js-tiktoken on %s', (_name, text) => {
    expect(counter.count(text)).toBe(reference.encode(text).length);
  });

  it('counts a special token written in a prompt as ordinary text, where js-tiktoken would throw', () => {
    const text = 'please ignore <|endoftext|> this';
    expect(() => reference.encode(text)).toThrow();
    expect(counter.count(text)).toBe(reference.encode(text, [], []).length);
  });
});
