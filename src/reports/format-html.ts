import { formatCount, formatRate, formatUsd, formatWindow } from './format-values.js';
import { escapeHtml, svgBarChart } from './html-bar-chart.js';
import { hourlyRatesText } from './hourly-rates-text.js';
import { reportWarnings } from './report-warnings.js';
import type { Report } from './types.js';

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;color:#1f2328;padding:0 1rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{padding:.3rem .7rem;border-bottom:1px solid #d0d7de;text-align:right}
th:first-child,td:first-child{text-align:left}thead th{background:#f6f8fa}
.warning{background:#fff8c5;border:1px solid #d4a72c;padding:.6rem .8rem;border-radius:6px}
.note{color:#59636e}figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.3rem}
svg text{font:12px system-ui,sans-serif;fill:#1f2328}svg rect{fill:#0969da}`;

const cell = (text: string): string => `<td>${escapeHtml(text)}</td>`;
const head = (text: string): string => `<th>${escapeHtml(text)}</th>`;

function table(headers: readonly string[], rows: readonly string[][]): string {
  return `<table><thead><tr>${headers.map(head).join('')}</tr></thead><tbody>`
    + rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('') + '</tbody></table>';
}

/**
 * The report as one self-contained HTML page, readable offline: inline CSS, inline SVG bar
 * charts of the cost per resolution by path and by group, the same tables as the text report,
 * no script and no external asset. Every value taken from the report is HTML-escaped.
 */
export function formatHtml(report: Report): string {
  const t = report.totals;
  const parts: string[] = [];
  parts.push(`<h1>Cost per resolution</h1><p class="note">${escapeHtml(formatWindow(report.window))}, `
    + `${escapeHtml(report.currency)}; window end exclusive.</p>`);
  for (const warning of reportWarnings(report)) parts.push(`<p class="warning">WARNING: ${escapeHtml(warning.message)}</p>`);
  parts.push(table(['', 'AI journey', 'Human-only', 'All tickets'], [
    ['Tickets', formatCount(t.aiHandled), formatCount(t.humanOnly), formatCount(t.tickets)],
    ['Resolved', formatCount(t.aiResolved + t.escalatedResolved), formatCount(t.humanOnlyResolved), formatCount(t.resolved)],
    ['Cost (loaded)', formatUsd(t.aiJourneyCostUsd), formatUsd(t.humanOnlyCostUsd), formatUsd(t.totalCostUsd)],
    ['Cost per resolution', formatUsd(t.aiJourneyCostPerResolutionUsd), formatUsd(t.humanOnlyCostPerResolutionUsd),
      formatUsd(t.costPerResolutionUsd)],
  ]));
  parts.push(svgBarChart({ title: 'Cost per resolution by path', bars: [
    { label: 'AI journey (true)', value: t.aiJourneyCostPerResolutionUsd },
    { label: 'AI, naive (vendor view)', value: t.naiveAiCostPerResolutionUsd },
    { label: 'Human-only', value: t.humanOnlyCostPerResolutionUsd },
    { label: 'Blended', value: t.costPerResolutionUsd },
  ] }));
  parts.push('<h2>Rates and spend</h2>', table(['figure', 'value'], [
    ['Automation rate', formatRate(t.automationRate)], ['Containment rate', formatRate(t.containmentRate)],
    ['Escalation rate', formatRate(t.escalationRate)], ['First-contact resolution rate', formatRate(t.fcrRate)],
    ['Reopen rate', formatRate(t.reopenRate)],
    ['LLM cost', formatUsd(t.llmCostUsd)], ['of which unattributed', formatUsd(t.unattributedLlmCostUsd)],
    ['Human cost', formatUsd(t.humanCostUsd)], ['Human work without an amount at', hourlyRatesText(report)],
    ['Fixed costs (pro-rated)', formatUsd(t.fixedCostUsd)],
    ['Total cost', formatUsd(t.totalCostUsd)], ['Unallocated', formatUsd(report.unallocatedCostUsd)],
    ['Conversations', formatCount(t.conversations)], ['LLM cost per conversation', formatUsd(t.costPerConversationUsd)],
    ['LLM calls', formatCount(t.llmCalls)], ['Unpriced LLM calls', formatCount(t.unpricedLlmCalls)],
  ]));
  if (report.groupBy !== null) {
    parts.push(`<h2>By ${escapeHtml(report.groupBy)}</h2>`);
    parts.push(svgBarChart({ title: `Cost per resolution by ${report.groupBy}`,
      bars: report.groups.map((g) => ({ label: g.key, value: g.costPerResolutionUsd })) }));
    parts.push(table([report.groupBy, 'tickets', 'resolved', 'total cost', 'CPR', 'AI journey CPR', 'naive AI CPR',
      'human-only CPR', 'automation'], [
      ...report.groups.map((g) => [g.key, formatCount(g.tickets), formatCount(g.resolved), formatUsd(g.totalCostUsd),
        formatUsd(g.costPerResolutionUsd), formatUsd(g.aiJourneyCostPerResolutionUsd), formatUsd(g.naiveAiCostPerResolutionUsd),
        formatUsd(g.humanOnlyCostPerResolutionUsd), formatRate(g.automationRate)]),
      ['(unallocated)', '', '', formatUsd(report.unallocatedCostUsd), '', '', '', '', ''],
    ]));
  }
  if (report.models.length > 0) {
    parts.push('<h2>LLM spend by model</h2>', table(
      ['model', 'calls', 'input', 'cached', 'output', 'reasoning', 'cost', 'unpriced'],
      report.models.map((m) => [m.model, formatCount(m.calls), formatCount(m.inputTokens), formatCount(m.cachedInputTokens),
        formatCount(m.outputTokens), formatCount(m.reasoningTokens), formatUsd(m.costUsd), formatCount(m.unpricedCalls)]),
    ));
  }
  return '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
    + '<meta name="viewport" content="width=device-width,initial-scale=1">'
    + `<title>cpr-meter report ${escapeHtml(formatWindow(report.window))}</title><style>${STYLE}</style></head>`
    + `<body>${parts.join('\n')}</body></html>\n`;
}
