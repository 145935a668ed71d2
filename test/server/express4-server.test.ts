import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

// Express is a peer dependency ("^4.21.0 || ^5.0.0"): in an application on Express 4, npm gives
// `cpr-meter serve` that Express. The server runs here as a separate process whose every
// `import 'express'` loads express 4.21.2 (test/support/express4-hooks.mjs).
const dir = tempDir();
let server: ChildProcess;
let stderr = '';
let base = '';

beforeAll(async () => {
  server = spawn(process.execPath, ['--import', './test/support/express4-hooks.mjs', '--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--db', dir.file('e4.db')], {
    cwd: repoRoot,
    env: { ...process.env, CPR_DB: '', CPR_PRICES: '', CPR_LOG_LEVEL: 'info' },
  });
  base = await new Promise<string>((resolve, reject) => {
    server.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const url = /"url":"(http:\/\/[^"]+)"/.exec(stderr)?.[1];
      if (url) resolve(url);
    });
    server.once('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
  });
}, 30_000);
afterAll(async () => {
  if (server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  dir.remove();
});

describe('cpr-meter serve on Express 4', () => {
  it('runs on Express 4', () => {
    expect(stderr).toContain('express -> express4\n');
  });

  it('answers the report and stores events', async () => {
    const stored = await fetch(`${base}/api/events`, {
      method: 'POST',
      body: JSON.stringify([
        { type: 'ticket.opened', ticketId: 'T-7', at: '2026-11-02T09:00:00Z' },
        { type: 'human.work', ticketId: 'T-7', seconds: 1800, at: '2026-11-02T09:30:00Z' },
        { type: 'ticket.resolved', ticketId: 'T-7', by: 'human', at: '2026-11-02T10:00:00Z' },
      ]),
    });
    expect(await stored.json()).toEqual({ accepted: 3, duplicates: 0, conflicts: [], warnings: [] });
    const report = await fetch(`${base}/api/report?from=2026-11-01&to=2026-11-08`);
    expect(report.status).toBe(200);
    // One human-only ticket: 30 minutes at the default $40/h = $20.
    expect(((await report.json()) as { totals: unknown }).totals).toMatchObject({ tickets: 1, resolved: 1, humanOnly: 1, humanCostUsd: 20, costPerResolutionUsd: 20 });
    const csv = await fetch(`${base}/api/report?from=2026-11-01&to=2026-11-08&format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
  });

  it('answers a failing async route with the JSON error, not a request left hanging', async () => {
    const bad = await fetch(`${base}/api/report?format=pdf`, { signal: AbortSignal.timeout(10_000) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { type: 'invalid_request_error', field: 'format' } });
    const malformed = await fetch(`${base}/api/events`, { method: 'POST', body: '{"type":', signal: AbortSignal.timeout(10_000) });
    expect(malformed.status).toBe(400);
  });
});
