import type { Report, ReportWarning } from './types.js';

/**
 * The warnings a reader must see before trusting the money: unpriced calls (their cost is
 * unknown and left out of every cost), estimated usage, and resolved tickets with no activity
 * (free human-only resolutions, most likely a ticket id spelt two ways). Empty when there is
 * nothing to say. Reads only the report's own figures, so any report can be given.
 */
export function reportWarnings(report: Omit<Report, 'warnings'>): ReportWarning[] {
  const warnings: ReportWarning[] = [];
  const { unpricedLlmCalls, estimatedLlmCalls } = report.totals;
  if (unpricedLlmCalls > 0) {
    const models = report.models.filter((m) => m.unpricedCalls > 0).map((m) => m.model);
    const one = unpricedLlmCalls === 1;
    warnings.push({ code: 'unpriced_calls', message: `${unpricedLlmCalls} LLM call${one ? ' has' : 's have'} no known price (${models.join(', ')}): `
      + `${one ? 'its' : 'their'} cost is unknown and not included in any figure; add the model to your price file.` });
  }
  if (estimatedLlmCalls > 0) {
    warnings.push({ code: 'estimated_usage', message: `${estimatedLlmCalls} LLM call${estimatedLlmCalls === 1 ? '' : 's'} had no usage from the provider: `
      + 'tokens and cost were estimated with a tokenizer.' });
  }
  const bare = report.resolvedWithoutActivity ?? 0;
  if (bare > 0) {
    const one = bare === 1;
    warnings.push({ code: 'resolved_without_activity', message: `${bare} resolved ticket${one ? ' has' : 's have'} no opening, no conversation, `
      + `no LLM call and no human work: ${one ? 'it counts' : 'each counts'} as a free human-only resolution and lowers the human-only CPR. `
      + 'Check that the helpdesk and the bot name tickets alike (the helpdesk\'s "1042" is not the bot\'s "T-1042"), '
      + 'and that the helpdesk sends ticket.opened and human.work events.' });
  }
  return warnings;
}
