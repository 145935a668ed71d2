import { hourlyRatesText } from './hourly-rates-text.js';
import type { Report, ReportFigures } from './types.js';

/** The figure columns, in the order of the definitions table. */
const FIGURES: ReadonlyArray<keyof ReportFigures> = [
  'tickets', 'resolved', 'unresolved', 'aiHandled', 'contained', 'escalated', 'humanOnly', 'aiResolved',
  'escalatedResolved', 'humanOnlyResolved', 'conversations', 'llmCalls', 'unpricedLlmCalls', 'estimatedLlmCalls',
  'inputTokens', 'cachedInputTokens', 'outputTokens', 'reasoningTokens', 'llmCostUsd', 'unattributedLlmCostUsd',
  'humanCostUsd', 'fixedCostUsd', 'totalCostUsd', 'aiJourneyCostUsd', 'humanOnlyCostUsd', 'costPerResolutionUsd',
  'aiJourneyCostPerResolutionUsd', 'naiveAiCostPerResolutionUsd', 'humanOnlyCostPerResolutionUsd',
  'costPerConversationUsd', 'automationRate', 'containmentRate', 'escalationRate', 'fcrRate', 'reopenRate',
];

/**
 * One CSV cell per RFC 4180 (quoted when it holds a comma, quote or line break; quotes doubled).
 * Text starting with `=`, `+`, `-`, `@`, tab or carriage return is prefixed with `'` so that a
 * spreadsheet never runs it as a formula. `null` is an empty cell.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The report as CSV: a header, one row per group, and a `totals` row (the only row when the
 * report is not grouped). `unallocatedCostUsd` is filled on the totals row: the groups'
 * `totalCostUsd` plus it add up to the total; so are `resolvedWithoutActivity`, the count of the
 * report's `resolved_without_activity` warning, and `humanHourlyRates`, the rates human work was
 * priced at. Lines end with CRLF.
 */
export function formatCsv(report: Report): string {
  const header = ['group', ...FIGURES, 'unallocatedCostUsd', 'resolvedWithoutActivity', 'humanHourlyRates'];
  const row = (key: string, figures: ReportFigures, whole: Report | null): string[] =>
    [csvCell(key), ...FIGURES.map((name) => csvCell(figures[name])), csvCell(whole?.unallocatedCostUsd ?? null),
      csvCell(whole?.resolvedWithoutActivity ?? null), csvCell(whole === null ? null : hourlyRatesText(whole))];
  const lines = [
    header.map(csvCell),
    ...report.groups.map((group) => row(group.key, group, null)),
    row('totals', report.totals, report),
  ];
  return lines.map((cells) => cells.join(',')).join('\r\n') + '\r\n';
}
