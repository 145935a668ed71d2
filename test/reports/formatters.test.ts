import { describe, expect, it } from 'vitest';
import { computeReport } from '../../src/reports/compute-report.js';
import { csvCell, formatCsv } from '../../src/reports/format-csv.js';
import { formatHtml } from '../../src/reports/format-html.js';
import { formatJson } from '../../src/reports/format-json.js';
import { formatTable } from '../../src/reports/format-table.js';
import { formatUsd } from '../../src/reports/format-values.js';
import type { ReportInput, TicketFacts } from '../../src/reports/types.js';

const FROM = Date.UTC(2026, 9, 1);
const TO = Date.UTC(2026, 10, 1);
const XSS = '<script>alert("x")</script>';

const ticket = (id: string, category: string | null, extra: Partial<TicketFacts> = {}): TicketFacts => ({
  ticketId: id, category, channel: null, openedAt: FROM + 1000, conversations: 1, conversationsWithLlmCalls: 1,
  llm: [{ model: '<img src=x onerror=alert(1)>', calls: 1, unpricedCalls: 0, estimatedCalls: 1, inputTokens: 10,
    cachedInputTokens: 0, outputTokens: 5, reasoningTokens: 0, costUsd: 0.25 }],
  humanCostUsd: 0, handoffs: 0,
  statusChanges: [{ kind: 'resolved', at: FROM + 2000, by: 'ai', confirmed: false }], ...extra,
});

const input: ReportInput = {
  window: { from: FROM, to: TO }, humanHourlyRate: 40,
  tickets: [
    ticket(XSS, XSS),
    ticket('T2', '=HYPERLINK("http://evil")'),
    ticket('T3', 'billing, "north"', { llm: [], humanCostUsd: 12, statusChanges: [] }),
  ],
  unattributed: [{ model: 'mystery', calls: 2, unpricedCalls: 2, estimatedCalls: 0, inputTokens: 0, cachedInputTokens: 0,
    outputTokens: 0, reasoningTokens: 0, costUsd: 0 }],
  fixedCosts: [],
};
const report = computeReport(input, { groupBy: 'category' });

describe('formatters', () => {
  it('HTML escapes every value taken from the input and loads nothing external', () => {
    const html = formatHtml(report);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/(src|href)=["']?https?:/);
    expect(html).toMatch(/<svg[^>]*>.*<rect/s);
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });

  it('CSV quotes per RFC 4180 and defuses formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    for (const lead of ['=', '+', '-', '@']) expect(csvCell(`${lead}1+1`)).toBe(`'${lead}1+1`);
    expect(csvCell('=A1,B')).toBe(`"'=A1,B"`);
    expect(csvCell(null)).toBe('');
    expect(csvCell(-1.5)).toBe('-1.5');
    const csv = formatCsv(report);
    const lines = csv.split('\r\n');
    expect(lines[0].startsWith('group,tickets,resolved,unresolved,')).toBe(true);
    expect(lines).toContain(lines.find((l) => l.startsWith(`"'=HYPERLINK(""http://evil"")"`)));
    expect(csv).toContain('"billing, ""north"""');
    expect(lines.at(-2)?.startsWith('totals,3,2,1,')).toBe(true);
    expect(lines.at(-1)).toBe('');
  });

  it('the table shows the paths side by side, n/a for nulls, and a WARNING line', () => {
    const table = formatTable(report);
    expect(table).toMatch(/AI journey\s+Human-only\s+All tickets/);
    expect(table).toMatch(/Cost per resolution\s+\$0\.25\s+n\/a\s+\$6\.25/); // (0.25 + 0.25 + 12) / 2 resolved
    expect(table).toContain('naive AI CPR $0.25');
    expect(table).toContain('WARNING: 2 LLM calls have no known price (mystery)');
    expect(table).toContain('WARNING: 2 LLM calls had no usage from the provider');
    expect(table).toContain('By category:');
  });

  it('JSON is the report itself', () => {
    expect(JSON.parse(formatJson(report))).toEqual(report);
  });

  it('writes money for people', () => {
    expect([formatUsd(null), formatUsd(0), formatUsd(1234.5), formatUsd(0.4), formatUsd(0.0042)])
      .toEqual(['n/a', '$0.00', '$1,234.50', '$0.40', '$0.0042']);
  });

  it('writes money by one rule: cents from a dollar up, two significant digits below, <$0.0001 for tiny amounts', () => {
    // The mix: $0.2051 beside $0.089 beside $8.0e-8. Two significant digits under a dollar:
    // 0.2051 -> 0.21, 0.089 -> 0.089, 0.0016 -> 0.0016, 0.00012 -> 0.00012; 8e-8 and 0.0000123 are under 0.0001.
    expect([0.2051, 0.089, 0.0016, 0.00012, 8e-8, 0.0000123].map(formatUsd))
      .toEqual(['$0.21', '$0.089', '$0.0016', '$0.00012', '<$0.0001', '<$0.0001']);
    // Rounding that reaches the next digit reads as it would be written: 0.0999 -> $0.10, 0.996 -> $1.00.
    expect([0.0999, 0.996, 8.874, -0.5].map(formatUsd)).toEqual(['$0.10', '$1.00', '$8.87', '-$0.50']);
    for (const usd of [0.2051, 0.089, 8e-8, 3.5e-7, 0.0004567]) expect(formatUsd(usd)).not.toMatch(/e[-+]?\d/);
  });
});
