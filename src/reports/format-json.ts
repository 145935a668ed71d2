import type { Report } from './types.js';

/** The report as pretty-printed JSON, exactly the shape `GET /api/report` answers. */
export function formatJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
