import { formatCount, formatRate, formatUsd, formatWindow, printable } from './format-values.js';
import { hourlyRatesText } from './hourly-rates-text.js';
import { reportWarnings } from './report-warnings.js';
import { renderTextTable } from './text-table.js';
import type { Report } from './types.js';

/**
 * The report as a support lead reads it first, in plain text: the AI journey and human-only
 * paths side by side (tickets, resolved, cost, cost per resolution), the naive AI CPR a vendor
 * would quote beside the true one, the blended CPR and the rates, then the groups, the spend
 * per model, and a WARNING line when calls are unpriced or their usage was estimated. Text from
 * input (group keys, model names) is {@link printable}: it is read in terminals.
 */
export function formatTable(report: Report): string {
  const t = report.totals;
  const out: string[] = [];
  out.push(`Cost per resolution, ${formatWindow(report.window)} (${report.currency})`, '');

  out.push(renderTextTable(
    [{ header: '' }, { header: 'AI journey', align: 'right' }, { header: 'Human-only', align: 'right' },
      { header: 'All tickets', align: 'right' }],
    [
      ['Tickets', formatCount(t.aiHandled), formatCount(t.humanOnly), formatCount(t.tickets)],
      ['Resolved', formatCount(t.aiResolved + t.escalatedResolved), formatCount(t.humanOnlyResolved), formatCount(t.resolved)],
      ['Cost (loaded)', formatUsd(t.aiJourneyCostUsd), formatUsd(t.humanOnlyCostUsd), formatUsd(t.totalCostUsd)],
      ['Cost per resolution', formatUsd(t.aiJourneyCostPerResolutionUsd), formatUsd(t.humanOnlyCostPerResolutionUsd),
        formatUsd(t.costPerResolutionUsd)],
    ],
  ));
  out.push('');
  out.push(`True AI CPR ${formatUsd(t.aiJourneyCostPerResolutionUsd)} vs naive AI CPR ${formatUsd(t.naiveAiCostPerResolutionUsd)}`
    + ' (LLM spend of bot-resolved tickets / bot resolutions, what a vendor quotes)');
  out.push(`Blended CPR ${formatUsd(t.costPerResolutionUsd)} = total cost ${formatUsd(t.totalCostUsd)} / ${formatCount(t.resolved)} resolved`);
  out.push(`AI journey: ${formatCount(t.contained)} contained (${formatCount(t.aiResolved)} resolved by the bot), `
    + `${formatCount(t.escalated)} escalated (${formatCount(t.escalatedResolved)} resolved); ${formatCount(t.unresolved)} tickets unresolved`);
  out.push(`Rates: automation ${formatRate(t.automationRate)}, containment ${formatRate(t.containmentRate)}, `
    + `escalation ${formatRate(t.escalationRate)}, first-contact resolution ${formatRate(t.fcrRate)}, reopen ${formatRate(t.reopenRate)}`);
  out.push(`Spend: LLM ${formatUsd(t.llmCostUsd)} (of which unattributed ${formatUsd(t.unattributedLlmCostUsd)}), `
    + `human ${formatUsd(t.humanCostUsd)}, fixed ${formatUsd(t.fixedCostUsd)}; unallocated ${formatUsd(report.unallocatedCostUsd)}`);
  out.push(`Human work without an amount at ${hourlyRatesText(report)}`);
  out.push(`Conversations: ${formatCount(t.conversations)}, LLM cost per conversation ${formatUsd(t.costPerConversationUsd)}; `
    + `LLM calls ${formatCount(t.llmCalls)}, tokens in ${formatCount(t.inputTokens)} (cached ${formatCount(t.cachedInputTokens)}), `
    + `out ${formatCount(t.outputTokens)} (reasoning ${formatCount(t.reasoningTokens)})`);

  if (report.groupBy !== null) {
    out.push('', `By ${report.groupBy}:`);
    out.push(renderTextTable(
      [{ header: report.groupBy }, { header: 'tickets', align: 'right' }, { header: 'resolved', align: 'right' },
        { header: 'total cost', align: 'right' }, { header: 'CPR', align: 'right' }, { header: 'AI journey CPR', align: 'right' },
        { header: 'naive AI CPR', align: 'right' }, { header: 'human-only CPR', align: 'right' }, { header: 'automation', align: 'right' }],
      [
        ...report.groups.map((g) => [printable(g.key), formatCount(g.tickets), formatCount(g.resolved), formatUsd(g.totalCostUsd),
          formatUsd(g.costPerResolutionUsd), formatUsd(g.aiJourneyCostPerResolutionUsd), formatUsd(g.naiveAiCostPerResolutionUsd),
          formatUsd(g.humanOnlyCostPerResolutionUsd), formatRate(g.automationRate)]),
        ['(unallocated)', '', '', formatUsd(report.unallocatedCostUsd), '', '', '', '', ''],
      ],
    ));
  }

  if (report.models.length > 0) {
    out.push('', 'LLM spend by model:');
    out.push(renderTextTable(
      [{ header: 'model' }, { header: 'calls', align: 'right' }, { header: 'input', align: 'right' },
        { header: 'cached', align: 'right' }, { header: 'output', align: 'right' }, { header: 'reasoning', align: 'right' },
        { header: 'cost', align: 'right' }, { header: 'unpriced', align: 'right' }],
      report.models.map((m) => [printable(m.model), formatCount(m.calls), formatCount(m.inputTokens), formatCount(m.cachedInputTokens),
        formatCount(m.outputTokens), formatCount(m.reasoningTokens), formatUsd(m.costUsd), formatCount(m.unpricedCalls)]),
    ));
  }

  const warnings = reportWarnings(report);
  if (warnings.length > 0) out.push('', ...warnings.map((w) => `WARNING: ${printable(w.message)}`));
  return `${out.join('\n')}\n`;
}
