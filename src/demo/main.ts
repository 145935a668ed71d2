import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { silentLogger } from '../logging/logger.js';
import { buildReport } from '../reports/build-report.js';
import { formatTable } from '../reports/format-table.js';
import { startServer } from '../server/start-server.js';
import { startSimulatedUpstream } from '../simulator/index.js';
import { demoClock, runWorkload } from './run-workload.js';
import { demoTickets } from './workload.js';

const DAY = 86_400_000;

/**
 * `npm run demo`: a support month played offline through the proxy against the SIMULATED
 * upstream, on a temporary database, then the report a support lead reads.
 */
async function main(): Promise<void> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'cpr-meter-demo-'));
  // The month that just ended, in whole UTC days.
  const to = Math.floor(Date.now() / DAY) * DAY;
  const from = to - 28 * DAY;
  const clock = demoClock(from);
  const sim = await startSimulatedUpstream();
  const cpr = await startServer({
    port: 0, db: join(dir, 'demo.db'), upstream: sim.openaiBaseUrl, anthropicUpstream: sim.anthropicBaseUrl,
    logger: silentLogger, env: {}, now: clock.now,
  });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    log('cpr-meter demo: a support month against a SIMULATED LLM upstream (no network, no API key)');
    log(`  simulated upstream ${sim.openaiBaseUrl}  ->  cpr-meter proxy ${cpr.url}/v1  ->  ledger ${join(dir, 'demo.db')}`);
    const client = new OpenAI({ apiKey: 'sk-simulated', baseURL: `${cpr.url}/v1`, maxRetries: 0 });
    const postEvents = async (events: object[]) => {
      const res = await fetch(`${cpr.url}/api/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
      if (!res.ok) throw new Error(`POST /api/events answered ${res.status}: ${await res.text()}`);
    };
    const tickets = demoTickets({ count: 160, from, to: to - 3 * DAY });
    await runWorkload({ client, clock, postEvents }, { tickets, from, to });
    const calls = cpr.ledger.db.prepare('SELECT count(*) FROM llm_calls').pluck().get() as number;
    log(`  played ${tickets.length} tickets and ${calls} LLM calls in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

    const report = await buildReport(cpr.ledger, {
      options: { from: new Date(from), to: new Date(to), groupBy: 'category' },
      humanHourlyRate: cpr.config.humanHourlyRate,
    });
    process.stdout.write(formatTable(report));
    log(`\nNext: npx cpr-meter report --db <file> --format html --out report.html  (this demo's database is removed on exit)`);
    const dashboard = `${cpr.url}/dashboard?from=${new Date(from).toISOString().slice(0, 10)}&to=${new Date(to).toISOString().slice(0, 10)}`;
    process.stdout.write(`\nDashboard: ${dashboard}\n`);
    // In a terminal, keep serving so that the month can be opened in a browser; scripts and CI (no terminal, or --no-serve) end now.
    if (process.stdout.isTTY && !process.argv.includes('--no-serve')) {
      log('Serving the dashboard until Ctrl-C.');
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
  } finally {
    await cpr.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
