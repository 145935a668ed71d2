import { formatCsv } from './format-csv.js';
import { formatHtml } from './format-html.js';
import { formatJson } from './format-json.js';
import { formatTable } from './format-table.js';
import type { Report } from './types.js';

/** The output formats of a report. */
export type ReportFormat = 'table' | 'json' | 'csv' | 'html';

/** Every {@link ReportFormat}, for option parsing. */
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'json', 'csv', 'html'];

/** The media type each format is served with. */
export const REPORT_MEDIA_TYPES: Readonly<Record<ReportFormat, string>> = {
  table: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

/** Renders a report in `format`. */
export function formatReport(report: Report, format: ReportFormat): string {
  switch (format) {
    case 'table':
      return formatTable(report);
    case 'json':
      return formatJson(report);
    case 'csv':
      return formatCsv(report);
    case 'html':
      return formatHtml(report);
  }
}
