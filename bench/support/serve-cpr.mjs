/**
 * `cpr-meter serve` for benchmarks, as its own process, from the compiled sources: `startServer`
 * recording to a SQLite file in front of the given upstream, the tokenizer warmed as a server
 * that has been up for a while has it. Prints `READY <url>`. Over IPC it answers
 * `{ type: 'memory' }` with `process.memoryUsage()` (after a GC when `--expose-gc` is on) and
 * `{ type: 'stats' }` with the recorder's counters and the ledger's row count; `{ type: 'buffer',
 * rows }` makes the ledger refuse writes (`query_only`) and records `rows` calls, which wait in the
 * retry buffer, and `{ type: 'release' }` lets it write again (the stalls benchmark). SIGTERM closes it
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

/** A call row as the proxy records one (for `buffer`). */
const syntheticCall = (n) => ({
  id: `bench-buffered-${Date.now()}-${n}`, startedAt: Date.now(), conversationId: `conv-buffered-${n % 500}`, ticketId: null,
  provider: 'openai', operation: 'chat', requestModel: 'gpt-4o-mini', responseModel: 'gpt-4o-mini-2024-07-18',
  usage: { inputTokens: 182, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 131, reasoningTokens: 0 },
  costUsd: 0.0001059, prices: { input: 0.15, cachedInput: 0.075, cacheWrite: null, output: 0.6, source: 'genai-prices:openai/gpt-4o-mini' },
  status: 'ok', httpStatus: 200, errorType: null, estimated: false, streamed: false, latencyMs: 812, timeToFirstChunkMs: null,
  upstreamRequestId: `req_${n}`, responseId: `chatcmpl-${n}`, finishReasons: ['stop'], source: 'proxy',
});

process.on('message', (message) => {
  if (message.type === 'buffer') {
    cpr.ledger.db.pragma('query_only = ON');
    void Promise.all(Array.from({ length: message.rows }, (_, n) => cpr.recorder.record(syntheticCall(n))))
      .then(() => process.send?.({ type: 'buffer', stats: cpr.recorder.stats() }));
  } else if (message.type === 'release') {
    cpr.ledger.db.pragma('query_only = OFF');
    process.send?.({ type: 'release' });
  }
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
