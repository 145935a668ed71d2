import { existsSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runTsx } from '../support/run-cli.js';

const lastLine = (text: string) => text.trim().split('\n').at(-1)!;

describe('npm run demo', () => {
  it('plays the simulated month offline and prints a report a support lead can read', async () => {
    const { code, stdout, stderr } = await runTsx('src/demo/main.ts', [], { env: { ...process.env, OPENAI_API_KEY: '' } });
    expect(stderr).toMatch(/SIMULATED LLM upstream/);
    expect(code).toBe(0);
    // 160 seeded tickets; the demo's own counts are checked against the report it prints.
    expect(stderr).toMatch(/played 160 tickets and \d+ LLM calls/);
    // The human side arrives as signed Zendesk webhooks, every one verified and stored.
    expect(stderr).toMatch(/signed Zendesk webhooks to \/webhooks\/zendesk: [1-9]\d* stored, 0 rejected/);
    expect(stdout).toMatch(/AI journey\s+Human-only\s+All tickets/);
    expect(stdout).toMatch(/^Tickets\s+\d+\s+\d+\s+160$/m);
    expect(stdout).toMatch(/True AI CPR \$[\d.,]+ vs naive AI CPR \$[\d.,]+/);
    expect(stdout).toMatch(/By category:/);
    // Not a terminal: it ends at once, having printed where the dashboard was.
    expect(stdout).toMatch(/\nDashboard: http:\/\/127\.0\.0\.1:\d+\/dashboard\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}\n$/);
    // The last line no longer points at the database it has just removed: it says how to keep it.
    expect(lastLine(stderr)).toBe("The demo's ledger was temporary and is now removed; run npm run demo -- --keep to keep it and explore it with cpr-meter report.");
    const ledger = /->\s+ledger (\S+)/.exec(stderr)![1]!;
    expect(existsSync(ledger)).toBe(false);
  }, 90_000);

  it('with --keep, keeps the ledger, and its last line is a command that reports the same figures from it', async () => {
    const demo = await runTsx('src/demo/main.ts', ['--keep'], { env: { ...process.env, OPENAI_API_KEY: '' } });
    expect(demo.code).toBe(0);
    const line = lastLine(demo.stderr);
    const match = /^The demo's ledger is kept at (\S+)\. Next: npx cpr-meter report (--db \S+ --from \S+ --to \S+) --format html --out report\.html$/.exec(line);
    expect(match, line).not.toBeNull();
    const [, ledger, args] = match!;
    try {
      expect(existsSync(ledger!)).toBe(true);
      // The same window and grouping as the demo's table: the same table, read from the kept file
      // (the demo's stdout ends with the dashboard's address, after the table).
      const dashboardLine = /\nDashboard: http:\/\/127\.0\.0\.1:\d+\/dashboard\?from=\S+&to=\S+\n$/.exec(demo.stdout);
      expect(dashboardLine, demo.stdout).not.toBeNull();
      const report = await runCli(['report', ...args!.split(' '), '--group-by', 'category']);
      expect(report.stderr).toBe('');
      expect(report.code).toBe(0);
      expect(report.stdout).toBe(demo.stdout.slice(0, dashboardLine!.index));
    } finally {
      rmSync(dirname(ledger!), { recursive: true, force: true });
    }
  }, 90_000);

  it('refuses an unknown option in one line', async () => {
    const { code, stdout, stderr } = await runTsx('src/demo/main.ts', ['--kep'], { env: { ...process.env } });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe("demo: Unknown option '--kep' (the demo takes --keep and --no-serve)\n");
  }, 30_000);
});
