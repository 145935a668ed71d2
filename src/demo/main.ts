import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import OpenAI from 'openai';
import { silentLogger } from '../logging/logger.js';
import { buildReport } from '../reports/build-report.js';
import { formatTable } from '../reports/format-table.js';
import { startServer } from '../server/start-server.js';
import { startSimulatedUpstream } from '../simulator/index.js';
import { demoClock, runWorkload } from './run-workload.js';
import { DEMO_HELPDESK_OPTIONS } from './demo-zendesk.js';
import { demoTickets } from './workload.js';

const DAY = 86_400_000;

/**
 * `npm run demo`: a support month played offline through the proxy against the SIMULATED
 * upstream, on a temporary database, then the report a support lead reads. `--keep` keeps the
 * database, and the last line says where, to explore it with `cpr-meter report`. It prints the
 * dashboard's address and, in a terminal, serves it until Ctrl-C (`--no-serve`: ends at once).
 */
async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: { keep: { type: 'boolean', default: false }, 'no-serve': { type: 'boolean', default: false } },
    strict: true,
  });
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'cpr-meter-demo-'));
  // The month that just ended, in whole UTC days.
  const to = Math.floor(Date.now() / DAY) * DAY;
  const from = to - 28 * DAY;
  const clock = demoClock(from);
  const sim = await startSimulatedUpstream();
  const cpr = await startServer({
    port: 0, db: join(dir, 'demo.db'), upstream: sim.openaiBaseUrl, anthropicUpstream: sim.anthropicBaseUrl,
    logger: silentLogger, now: clock.now, ...DEMO_HELPDESK_OPTIONS,
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
    await runWorkload({ client, clock, postEvents, zendeskWebhookUrl: `${cpr.url}/webhooks/zendesk` }, { tickets, from, to });
    const calls = cpr.ledger.db.prepare('SELECT count(*) FROM llm_calls').pluck().get() as number;
    log(`  played ${tickets.length} tickets and ${calls} LLM calls in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const zendesk = cpr.webhooks?.stats.snapshot().zendesk?.counts;
    log(`  human side: signed Zendesk webhooks to /webhooks/zendesk: ${zendesk?.stored ?? 0} stored, ${zendesk?.rejected ?? 0} rejected\n`);

    const report = await buildReport(cpr.ledger, {
      options: { from: new Date(from), to: new Date(to), groupBy: 'category' },
    });
    process.stdout.write(formatTable(report));
    const dashboard = `${cpr.url}/dashboard?from=${isoDay(from)}&to=${isoDay(to)}`;
    process.stdout.write(`\nDashboard: ${dashboard}\n`);
    // In a terminal, keep serving so that the month can be opened in a browser; scripts and CI (no terminal, or --no-serve) end now.
    if (process.stdout.isTTY && !args['no-serve']) {
      log('Serving the dashboard until Ctrl-C.');
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
    log(args.keep
      ? `\nThe demo's ledger is kept at ${join(dir, 'demo.db')}. Next: npx cpr-meter report --db ${join(dir, 'demo.db')} --from ${isoDay(from)} --to ${isoDay(to)} --format html --out report.html`
      : `\nThe demo's ledger was temporary and is now removed; run npm run demo -- --keep to keep it and explore it with cpr-meter report.`);
  } finally {
    await cpr.close();
    await sim.close();
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
  }
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

main().catch((error: unknown) => {
  // A mistyped option (parseArgs' ERR_PARSE_ARGS_*) is one line; anything else is a bug and keeps its stack.
  const code = (error as NodeJS.ErrnoException | null)?.code ?? '';
  process.stderr.write(code.startsWith('ERR_PARSE_ARGS')
    ? `demo: ${(error as Error).message} (the demo takes --keep and --no-serve)\n`
    : `demo failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
