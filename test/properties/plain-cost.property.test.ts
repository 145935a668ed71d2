import { calcPrice, findProvider, type ModelInfo, type ModelPrice } from '@pydantic/genai-prices';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { billableUsage } from '../../src/pricing/billable-usage.js';
import { plainCost } from '../../src/pricing/plain-cost.js';

const RUNS = 1500;

/** Every model of these providers with token prices fixed in time: the ones the direct formula may price. */
const MODELS: ModelInfo[] = ['openai', 'anthropic', 'google', 'x-ai', 'groq', 'cerebras', 'openrouter', 'deepseek', 'mistral']
  .flatMap((id) => findProvider({ providerId: id })?.models ?? [])
  .filter((model) => !Array.isArray(model.prices) && ((model.prices as ModelPrice).input_mtok !== undefined || (model.prices as ModelPrice).output_mtok !== undefined));

/** A text usage as `parseUsage` gives it: parts within their wholes, reasoning within output. */
const textUsage = fc
  .record({ input: fc.nat({ max: 2_000_000 }), read: fc.nat({ max: 100 }), write: fc.nat({ max: 100 }), output: fc.nat({ max: 200_000 }), reasoning: fc.nat({ max: 100 }) })
  .map(({ input, read, write, output, reasoning }) => {
    const cacheReadTokens = Math.floor((input * read) / 200);
    const cacheWriteTokens = Math.floor(((input - cacheReadTokens) * write) / 100);
    return { inputTokens: input, cacheReadTokens, cacheWriteTokens, outputTokens: output, reasoningTokens: Math.floor((output * reasoning) / 100) };
  });

describe('the direct formula for plain text usage', () => {
  it(`gives what @pydantic/genai-prices' calculation gives, for every one of ${MODELS.length} models`, () => {
    expect(MODELS.length).toBeGreaterThan(500);
    fc.assert(
      fc.property(fc.constantFrom(...MODELS), textUsage, (model, usage) => {
        const billable = billableUsage(usage);
        const direct = plainCost(model.prices as ModelPrice, billable);
        const provider = { id: 'p', name: 'p', api_pattern: '', models: [{ ...model, match: { starts_with: '' } }] };
        const full = calcPrice(billable, model.id, { provider })!.total_price;
        if (direct === undefined) return; // left to the full calculation
        expect(Math.abs(direct - full)).toBeLessThanOrEqual(1e-12 * Math.max(1, full));
      }),
      { numRuns: RUNS },
    );
  });
});
