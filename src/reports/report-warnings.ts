import type { Report } from './types.js';

/**
 * The warnings a reader must see before trusting the money: unpriced calls (their cost is
 * unknown and left out of every cost), estimated usage, and calls whose provider-reported cost
 * disagrees with the computed one (the call's cost is the provider's; the price table may be stale). Empty when there is nothing to say.
 */
export function reportWarnings(report: Report): string[] {
  const warnings: string[] = [];
  const { unpricedLlmCalls, estimatedLlmCalls } = report.totals;
  if (unpricedLlmCalls > 0) {
    const models = report.models.filter((m) => m.unpricedCalls > 0).map((m) => m.model);
    const one = unpricedLlmCalls === 1;
    warnings.push(`${unpricedLlmCalls} LLM call${one ? ' has' : 's have'} no known price (${models.join(', ')}): `
      + `${one ? 'its' : 'their'} cost is unknown and not included in any figure; add the model to your price file.`);
  }
  if (estimatedLlmCalls > 0) {
    warnings.push(`${estimatedLlmCalls} LLM call${estimatedLlmCalls === 1 ? '' : 's'} had no usage from the provider: `
      + 'tokens and cost were estimated with a tokenizer.');
  }
  const mismatched = report.costMismatches ?? [];
  if (mismatched.length > 0) {
    const calls = mismatched.reduce((sum, m) => sum + m.calls, 0);
    const one = calls === 1;
    warnings.push(`${calls} LLM call${one ? '' : 's'} (${mismatched.map((m) => m.model).join(', ')}) cost what the provider reported, `
      + 'more than 1% away from the cost computed from the price table: the table may be stale; see computed_cost_usd in the ledger.');
  }
  return warnings;
}
