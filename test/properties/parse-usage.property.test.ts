import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeAnthropicUsage, parseUsage } from '../../src/usage/parse-usage.js';
import { readResponse } from '../../src/usage/read-response.js';
import type { Operation, Provider } from '../../src/usage/types.js';
import { anthropicUsage, expectValidUsage, usageLike } from './arbitraries.js';

// Runs per property. fast-check prints the seed and the shrunk counterexample of a failure.
const RUNS = 2000;

const provider = fc.constantFrom<Provider>('openai', 'anthropic');
const operation = fc.constantFrom<Operation>('chat', 'responses', 'embeddings', 'completions', 'messages');

describe('parseUsage on arbitrary provider bodies', () => {
  it('never throws, and gives null or finite non-negative integer parts no larger than their wholes', () => {
    fc.assert(
      fc.property(provider, usageLike, (p, usage) => {
        expectValidUsage(parseUsage(p, usage));
      }),
      { numRuns: RUNS },
    );
  });

  it('reads a whole response body the same way: readResponse never throws and its usage is valid', () => {
    const body = fc.oneof(
      fc.record({ model: fc.anything(), id: fc.anything(), usage: usageLike, choices: fc.anything(), stop_reason: fc.anything(),
        incomplete_details: fc.anything(), status: fc.anything() }, { requiredKeys: [] }),
      fc.anything({ withNullPrototype: true, maxDepth: 3 }),
    );
    fc.assert(
      fc.property(provider, operation, body, (p, op, b) => {
        const facts = readResponse(p, op, b);
        expectValidUsage(facts.usage);
        expect(facts.model === null || typeof facts.model === 'string').toBe(true);
        expect(facts.finishReasons.every((r) => typeof r === 'string')).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('merges any sequence of Anthropic stream usages into a valid usage', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(anthropicUsage, fc.anything({ maxDepth: 2 })), { maxLength: 6 }), (updates) => {
        const merged = updates.reduce<Record<string, unknown>>((acc, next) => mergeAnthropicUsage(acc, next), {});
        expectValidUsage(parseUsage('anthropic', merged));
      }),
      { numRuns: RUNS },
    );
  });
});
