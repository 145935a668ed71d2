/**
 * `npm run bench -- [names] [options]`: runs the benchmarks named (all when none is), prints their
 * tables and saves their figures to `bench/results/latest.json`. See `--help`.
 */
import { parseOptions, type BenchOptions } from './support/options.js';
import { machine } from './support/results.js';

const BENCHMARKS: Record<string, (options: BenchOptions) => Promise<unknown>> = {
  proxy: async (options) => (await import('./proxy.js')).runProxyBenchmark(options),
  streaming: async (options) => (await import('./streaming.js')).runStreamingBenchmark(options),
  ledger: async (options) => (await import('./ledger.js')).runLedgerBenchmark(options),
  report: async (options) => (await import('./report.js')).runReportBenchmark(options),
  memory: async (options) => (await import('./memory.js')).runMemoryBenchmark(options),
  'in-process': async (options) => (await import('./in-process.js')).runInProcessBenchmark(options),
  stalls: async (options) => (await import('./stalls.js')).runStallsBenchmark(options),
  webhooks: async (options) => (await import('./webhooks.js')).runWebhooksBenchmark(options),
  dashboard: async (options) => (await import('./dashboard.js')).runDashboardBenchmark(options),
  postgres: async (options) => (await import('./postgres.js')).runPostgresBenchmark(options),
  'postgres-driver': async (options) => (await import('./postgres-driver.js')).runPostgresDriverBenchmark(options),
};

const options = parseOptions(process.argv.slice(2));
const unknown = options.names.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark: ${unknown.join(', ')} (known: ${Object.keys(BENCHMARKS).join(', ')})\n`);
  process.exit(2);
}
const selected = options.names.length > 0 ? options.names : Object.keys(BENCHMARKS);
process.stdout.write(`cpr-meter benchmarks on ${JSON.stringify(machine())}\n`);
for (const name of selected) {
  process.stdout.write(`\n== ${name} ==\n`);
  await BENCHMARKS[name]!(options);
}
if (options.quick) process.stdout.write('\n(--quick: figures not saved)\n');
