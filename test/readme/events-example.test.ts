import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';
import { repoRoot } from '../support/run-cli.js';

// The README's section 3 example, its curl requests taken from the README as written and sent
// to a proxy in front of the simulated upstream: the bot's call, then the helpdesk's events.
interface Curl { method: string; path: string; headers: Record<string, string>; body: string | undefined }

/** The curl commands of the first sh block of the README's "### 3. Events" section. */
function readmeCurls(): Curl[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### 3. Events'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  // One command per `curl`, its continuation lines (a trailing backslash, or a quoted body) joined.
  const commands = block.split(/\n(?=curl )/).map((text) => text.replace(/\\\n/g, ' ')).filter((text) => text.startsWith('curl '));
  return commands.map((command) => {
    const url = /curl (?:-X \w+ )?'?(?:localhost:8787)([^\s']*)'?/.exec(command)![1]!;
    const headers = Object.fromEntries([...command.matchAll(/-H (['"])(.*?)\1/g)].map((m) => {
      const [name, ...value] = m[2]!.split(':');
      return [name!.trim().toLowerCase(), value.join(':').trim().replace('$OPENAI_API_KEY', 'sk-test')];
    }));
    const body = /-d '([\s\S]*?)'/.exec(command)?.[1];
    return { method: /-X (\w+)/.exec(command)?.[1] ?? (body === undefined ? 'GET' : 'POST'), path: url, headers, body };
  });
}

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness();
});
afterAll(async () => h.close());

describe("the README's events example", () => {
  it('makes T-1042 an AI-handled ticket, escalated and resolved by a human', async () => {
    const curls = readmeCurls();
    expect(curls.map((c) => `${c.method} ${c.path.split('?')[0]}`)).toEqual([
      'POST /v1/chat/completions', 'POST /api/events', 'GET /api/report', 'GET /api/report',
    ]);
    // gpt-4o-mini: 0.15 input, 0.6 output (USD / 1M): 1,000 in + 100 out = 150 + 60 = 210 per million = $0.00021.
    h.sim.enqueue({ usage: { input: 1000, output: 100 } });
    const answers = [];
    for (const curl of curls.slice(0, 2)) answers.push(await fetch(`${h.cpr.url}${curl.path}`, { method: curl.method, headers: curl.headers, body: curl.body }));
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(await answers[1]!.json()).toEqual({ accepted: 4, duplicates: 0, conflicts: [], warnings: [] });

    const { totals } = (await (await fetch(`${h.cpr.url}/api/report`)).json()) as { totals: Record<string, number> };
    expect(totals).toMatchObject({
      tickets: 1, resolved: 1, aiHandled: 1, escalated: 1, escalatedResolved: 1, humanOnly: 0, humanOnlyResolved: 0,
      conversations: 1, llmCalls: 1,
    });
    // 900 s of human work at the default $40/h = $10; plus the call's $0.00021.
    expect(totals.humanCostUsd).toBeCloseTo(10, 10);
    expect(totals.totalCostUsd).toBeCloseTo(10.00021, 10);
    expect(totals.aiJourneyCostPerResolutionUsd).toBeCloseTo(10.00021, 10);
    expect(totals.humanOnlyCostPerResolutionUsd).toBeNull();

    const html = await fetch(`${h.cpr.url}${curls[3]!.path}`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    for (const format of ['csv', 'table']) expect((await fetch(`${h.cpr.url}/api/report?format=${format}`)).status).toBe(200);
  });
});
