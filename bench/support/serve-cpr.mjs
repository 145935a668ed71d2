/**
 * `cpr-meter serve` for benchmarks, as its own process, from the compiled sources: `startServer`
 * recording to a SQLite file in front of the given upstream, the tokenizer warmed as a server
 * that has been up for a while has it. Prints `READY <url>`. Over IPC it answers
 * `{ type: 'memory' }` with `process.memoryUsage()` (after a GC when `--expose-gc` is on) and
 * `{ type: 'stats' }` with the recorder's counters and the ledger's row count. SIGTERM closes it
 * gracefully (so that `--cpu-prof` writes its profile).
 *
 * Usage: node bench/support/serve-cpr.mjs <compiled src dir> <upstream base URL with /v1> <db path>
 */
import { pathToFileURL } from 'node:url';

const [buildDir, upstream, db] = process.argv.slice(2);
if (!buildDir || !upstream || !db) throw new Error('usage: serve-cpr.mjs <compiled src dir> <upstream base URL with /v1> <db path>');
const load = (path) => import(pathToFileURL(`${buildDir}/${path}`).href);
const { startServer } = await load('server/start-server.js');
const { silentLogger } = await load('logging/logger.js');
const { warmTokenizer } = await load('usage/estimate.js');

const cpr = await startServer({ port: 0, db, upstream, anthropicUpstream: upstream.replace(/\/v1$/, ''), logger: silentLogger, env: {} });
warmTokenizer();

process.on('message', (message) => {
  if (message.type === 'memory') {
    globalThis.gc?.();
    process.send?.({ type: 'memory', memory: process.memoryUsage() });
  } else if (message.type === 'stats') {
    const rows = cpr.ledger.db.prepare('SELECT COUNT(*) AS n FROM llm_calls').get().n;
    process.send?.({ type: 'stats', stats: cpr.recorder.stats(), rows });
  }
});
process.once('SIGTERM', () => {
  void cpr.close({ graceMs: 200 }).finally(() => process.exit(0));
});
process.stdout.write(`READY ${cpr.url}\n`);
