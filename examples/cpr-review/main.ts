/**
 * A month-end cost-per-resolution review, AI versus human, with the real command line:
 *
 *   1. play a support month (October 2026) through the proxy: its LLM calls land in a ledger file;
 *   2. write the helpdesk's events of that month to a JSON Lines file;
 *   3. `cpr-meter ingest` them into the same ledger;
 *   4. `cpr-meter report` in every format: report.txt, report.json, report.csv, report.html.
 *
 *   npx tsx examples/cpr-review/main.ts [--out DIR] [--tickets N]
 *
 * Default DIR: examples/cpr-review/out/. Default N: 160 against the SIMULATED upstream, 20 against
 * OpenAI (when OPENAI_API_KEY is set), where each ticket costs a few real calls.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Report } from 'cpr-meter';
import { openUpstream } from '../shared/upstream.js';
import { playMonth } from './play-month.js';

const MONTH = { name: 'October 2026', from: '2026-10-01', to: '2026-11-01' };

const { values } = parseArgs({ options: { out: { type: 'string' }, tickets: { type: 'string' } } });
const out = resolve(values.out ?? fileURLToPath(new URL('out', import.meta.url)));
mkdirSync(out, { recursive: true });
const db = join(out, 'ledger.db');
// A fresh ledger each run: replaying the month onto the last one would count it twice.
for (const file of [db, `${db}-wal`, `${db}-shm`]) rmSync(file, { force: true });

const upstream = await openUpstream();
const tickets = Number(values.tickets ?? (upstream.simulated ? 160 : 20));
let played;
try {
  played = await playMonth({ db, upstream, from: Date.parse(MONTH.from), to: Date.parse(MONTH.to), tickets });
} finally {
  await upstream.close();
}
console.log(`Played ${played.tickets} tickets of ${MONTH.name}: the proxy recorded ${played.llmCalls} LLM calls in ${show(db)}`);

const eventsFile = join(out, 'events.jsonl');
writeFileSync(eventsFile, played.events.map((event) => `${JSON.stringify(event)}\n`).join(''));
console.log(`Wrote the helpdesk's ${played.events.length} events to ${show(eventsFile)}\n`);

cprMeter('ingest', show(eventsFile), '--db', show(db));
const files = { table: 'report.txt', json: 'report.json', csv: 'report.csv', html: 'report.html' };
for (const [format, file] of Object.entries(files)) {
  cprMeter('report', '--db', show(db), '--from', MONTH.from, '--to', MONTH.to, '--group-by', 'category', '--format', format, '--out', show(join(out, file)));
}

const { totals: t } = JSON.parse(readFileSync(join(out, files.json), 'utf8')) as Report;
console.log(`
${MONTH.name}: ${t.tickets} tickets, ${t.resolved} resolved, total support cost ${usd(t.totalCostUsd)}
  cost per resolution, all tickets        ${usd(t.costPerResolutionUsd)}
  AI journey, escalations included        ${usd(t.aiJourneyCostPerResolutionUsd)}   <- the bot's true CPR
  naive AI (bot's LLM spend / its wins)   ${usd(t.naiveAiCostPerResolutionUsd)}   <- what a vendor would quote
  human-only                              ${usd(t.humanOnlyCostPerResolutionUsd)}
  automation ${pct(t.automationRate)}, escalation ${pct(t.escalationRate)}, reopen ${pct(t.reopenRate)}

Reports in ${show(out)}/: ${Object.values(files).join(', ')} (open report.html in a browser)
Ask your own questions: npx cpr-meter report --db ${show(db)} --from ${MONTH.from} --to ${MONTH.to} --group-by week`);

/**
 * Runs the installed `cpr-meter` command, as `npx cpr-meter ...` would: the package's own bin,
 * found by its name, run by this Node.
 */
function cprMeter(...args: string[]): void {
  console.log(`$ cpr-meter ${args.join(' ')}`);
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('cpr-meter/package.json');
  const { bin } = JSON.parse(readFileSync(packageJson, 'utf8')) as { bin: Record<string, string> };
  const run = spawnSync(process.execPath, [join(dirname(packageJson), bin['cpr-meter']!), ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`cpr-meter ${args[0]} exited with ${run.status}: ${run.stderr}`);
  console.log(`${run.stdout}${run.stderr}`.trimEnd().replace(/^/gm, '  '));
}

/** A path relative to the working directory when it is under it, for commands you can paste. */
function show(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}

function usd(amount: number | null): string {
  if (amount === null) return 'n/a';
  return amount.toLocaleString('en-US', { style: 'currency', currency: 'USD', maximumSignificantDigits: 3, maximumFractionDigits: 2, roundingPriority: 'morePrecision' });
}

function pct(ratio: number | null): string {
  return ratio === null ? 'n/a' : `${(ratio * 100).toFixed(1)}%`;
}
