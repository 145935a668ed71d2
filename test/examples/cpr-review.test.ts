import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/index.js';
import { tempDir } from '../support/temp-dir.js';
import { runExample } from './run-example.js';

describe('examples/cpr-review', () => {
  // ~5 s alone (tsx, the month, five CLI runs); the timeout leaves room for a busy machine running the whole suite.
  it('plays a month, ingests its events with the real CLI and writes the report in every format', { timeout: 40_000 }, async () => {
    const out = tempDir('cpr-example-review-');
    try {
      // 20 tickets instead of the default 160 keeps the run short; the path through the CLI is the same.
      const run = await runExample('cpr-review/main.ts', { args: ['--out', out.path, '--tickets', '20'] });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('SIMULATED upstream');

      const played = Number(/Played (\d+) tickets of October 2026/.exec(run.stdout)?.[1]);
      expect(played).toBe(20);
      // Every event the script wrote is a line of the file, and the real `cpr-meter ingest` accepted each once.
      const written = Number(/Wrote the helpdesk's (\d+) events/.exec(run.stdout)?.[1]);
      expect(readFileSync(out.file('events.jsonl'), 'utf8').trim().split('\n')).toHaveLength(written);
      expect(run.stdout).toContain(`accepted ${written}, duplicates 0`);

      const report = JSON.parse(readFileSync(out.file('report.json'), 'utf8')) as Report;
      const t = report.totals;
      expect(report.window).toEqual({ from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' });
      // Every ticket opens and settles inside the month, so all of them are in scope.
      expect(t.tickets).toBe(played);
      expect(t.resolved + t.unresolved).toBe(t.tickets);
      expect(t.aiHandled + t.humanOnly).toBe(t.tickets);
      // The month's fixed costs, $250 (bot platform) + $600 (helpdesk seats) + $150 (QA), span exactly the window.
      expect(t.fixedCostUsd).toBeCloseTo(1000, 6);
      expect(t.totalCostUsd).toBeCloseTo(t.llmCostUsd + t.humanCostUsd + t.fixedCostUsd, 6);
      expect(report.groups.reduce((sum, g) => sum + g.totalCostUsd, report.unallocatedCostUsd)).toBeCloseTo(t.totalCostUsd, 6);
      expect(t.llmCalls).toBeGreaterThan(played / 2);
      expect(run.stdout).toContain(`October 2026: ${t.tickets} tickets, ${t.resolved} resolved`);

      expect(readFileSync(out.file('report.txt'), 'utf8')).toContain('Cost per resolution');
      expect(readFileSync(out.file('report.csv'), 'utf8').split('\n')[0]).toMatch(/^group,tickets,resolved,/);
      const html = readFileSync(out.file('report.html'), 'utf8');
      expect(html).toMatch(/^<!doctype html>/i);
      expect(html).toContain('<svg');
    } finally {
      out.remove();
    }
  });
});
