import { describe, expect, it } from 'vitest';
import { runTsx } from '../support/run-cli.js';

describe('npm run demo', () => {
  it('plays the simulated month offline and prints a report a support lead can read', async () => {
    const { code, stdout, stderr } = await runTsx('src/demo/main.ts', [], { env: { ...process.env, OPENAI_API_KEY: '' } });
    expect(stderr).toMatch(/SIMULATED LLM upstream/);
    expect(code).toBe(0);
    // 160 seeded tickets; the demo's own counts are checked against the report it prints.
    expect(stderr).toMatch(/played 160 tickets and \d+ LLM calls/);
    expect(stdout).toMatch(/AI journey\s+Human-only\s+All tickets/);
    expect(stdout).toMatch(/^Tickets\s+\d+\s+\d+\s+160$/m);
    expect(stdout).toMatch(/True AI CPR \$[\d.,]+ vs naive AI CPR \$[\d.,]+/);
    expect(stdout).toMatch(/By category:/);
    // Not a terminal: it ends at once, having printed where the dashboard was.
    expect(stdout).toMatch(/\nDashboard: http:\/\/127\.0\.0\.1:\d+\/dashboard\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}\n$/);
  }, 60_000);
});
