import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell } from '../../src/reports/format-csv.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';
import { runCli } from '../support/run-cli.js';

/*
 * Reports show values that came from input: categories, channels and ticket ids from events and
 * `x-cpr-*` headers, model names from request and response bodies. Each format must keep them
 * inert: HTML escapes them (no `<script>` from input in the page), CSV defuses formulas (a cell
 * starting with = + - @ tab or CR is prefixed with '), and the table (read in terminals) shows
 * control characters as escapes instead of sending them to the terminal.
 */

const SCRIPT = '<script>alert(1)</script>';
const IMG = '<img src=x onerror=alert(1)>';
const ATTRIBUTE = '" onmouseover="alert(1)';
// Ids cannot hold tab or CR (control characters are refused), so those two are checked on csvCell alone.
const FORMULAS = ["=cmd|' /C calc'!A0", '+SUM(1,2)', '-2+3+cmd|x', '@SUM(A1)'];
const ESCAPES = 'model\u001b[31m-red\u009b2J-\u0007bell';

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness();
  // Through the proxy: the model name in the request (the simulator answers with the same
  // name, so it is the response model too, unpriced), the ids in headers.
  for (const model of [SCRIPT, ESCAPES]) {
    await h.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'x-cpr-ticket-id': SCRIPT, 'x-cpr-conversation-id': `conv ${IMG}`, 'x-cpr-category': SCRIPT } });
  }
  // Through the event API: ids and categories, some resolved so that every table has rows.
  const events = [
    { type: 'ticket.opened', ticketId: SCRIPT, category: SCRIPT, channel: IMG },
    { type: 'ticket.resolved', ticketId: SCRIPT, by: 'ai' },
    { type: 'ticket.opened', ticketId: IMG, category: ATTRIBUTE, channel: SCRIPT },
    { type: 'human.work', ticketId: IMG, seconds: 600 },
    { type: 'ticket.resolved', ticketId: IMG, by: 'human' },
    ...FORMULAS.flatMap((formula, i) => [
      { type: 'ticket.opened', ticketId: `F-${i}`, category: formula, channel: formula },
      { type: 'human.work', ticketId: `F-${i}`, seconds: 60 },
      { type: 'ticket.resolved', ticketId: `F-${i}`, by: 'human' },
    ]),
  ];
  const res = await fetch(`${h.cpr.url}/api/events`, { method: 'POST', body: JSON.stringify(events) });
  expect(res.status).toBe(200);
});
afterAll(async () => h.close());

const report = async (query: string) => {
  const res = await fetch(`${h.cpr.url}/api/report?${query}`);
  expect(res.status).toBe(200);
  return res.text();
};

/** Asserts a page holds no markup from input, and that the input is there, escaped. */
function expectInert(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<img/i);
  expect(html).not.toContain(ATTRIBUTE);
  expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
}

describe('the HTML report', () => {
  it('escapes categories, channels, ticket ids and model names, from GET /api/report', async () => {
    const byCategory = await report('format=html&groupBy=category');
    expectInert(byCategory);
    // The category with a quote is there, quotes escaped.
    expect(byCategory).toContain('&quot; onmouseover=&quot;alert(1)');
    // The model name is in the spend table and in the unpriced warning.
    expect(byCategory.match(/&lt;script&gt;alert\(1\)&lt;\/script&gt;/g)!.length).toBeGreaterThanOrEqual(3);
    expectInert(await report('format=html&groupBy=channel'));
  });

  it('escapes them the same way from `cpr-meter report --format html`', async () => {
    const { code, stdout, stderr } = await runCli(['report', '--db', h.dbPath, '--format', 'html', '--group-by', 'category']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expectInert(stdout);
  });
});

describe('the CSV report', () => {
  /** Splits CSV (RFC 4180, CRLF) into rows of cells. */
  function parseCsv(text: string): string[][] {
    const rows: string[][] = [[]];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') (cell += '"', i++);
        else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') (rows.at(-1)!.push(cell), (cell = ''));
      else if (ch === '\r' && text[i + 1] === '\n') (rows.at(-1)!.push(cell), (cell = ''), rows.push([]), i++);
      else cell += ch;
    }
    return rows.filter((r) => r.length > 0);
  }

  it.each(['category', 'channel'])('defuses every formula in a %s (= + - @ tab CR get a leading quote)', async (groupBy) => {
    const rows = parseCsv(await report(`format=csv&groupBy=${groupBy}`));
    const keys = rows.slice(1).map((r) => r[0]!);
    for (const formula of FORMULAS) expect(keys).toContain(`'${formula}`);
    for (const key of keys) expect(key, key).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('quotes a cell starting with tab or CR too', () => {
    expect(csvCell('\t=1+1')).toBe("'\t=1+1");
    expect(csvCell('\r=1+1')).toBe('"\'\r=1+1"');
  });

  it('does the same from `cpr-meter report --format csv`', async () => {
    const { code, stdout } = await runCli(['report', '--db', h.dbPath, '--format', 'csv', '--group-by', 'category']);
    expect(code).toBe(0);
    const keys = parseCsv(stdout).slice(1).map((r) => r[0]!);
    for (const formula of FORMULAS) expect(keys).toContain(`'${formula}`);
  });
});

describe('the table report', () => {
  it('shows control characters from input as escapes, never as bytes a terminal would act on', async () => {
    const table = await report('format=table&groupBy=category');
    expect(table).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(table).toContain('model\\u001b[31m-red\\u009b2J-\\u0007bell');
    // The table's own line breaks stay.
    expect(table.split('\n').length).toBeGreaterThan(10);
  });
});
