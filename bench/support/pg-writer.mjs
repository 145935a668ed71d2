/**
 * One writer process of the PostgreSQL benchmark: opens the ledger at the URL with the compiled
 * sources, as `serve` does (recorder, group commit), and on `{ type: 'go', seconds, inFlight }`
 * records calls `inFlight` at a time for `seconds`, then answers `{ type: 'done', calls, seconds }`.
 *
 * Usage (forked, with IPC): node bench/support/pg-writer.mjs <compiled src dir> <postgres URL> <writer number>
 */
import { pathToFileURL } from 'node:url';

const [buildDir, url, writer] = process.argv.slice(2);
if (!buildDir || !url || writer === undefined) throw new Error('usage: pg-writer.mjs <compiled src dir> <postgres URL> <writer number>');
const load = (path) => import(pathToFileURL(`${buildDir}/${path}`).href);
const { openLedger } = await load('ledger/open-ledger.js');
const { CallRecorder } = await load('ledger/call-recorder.js');
const { silentLogger } = await load('logging/logger.js');
const { newCallId } = await load('recording/call-id.js');

const ledger = await openLedger(url);
const recorder = new CallRecorder({ ledger, logger: silentLogger, groupCommit: true, commitWaitMs: 60_000 });
let n = 0;
let clock = Date.UTC(2026, 1, 1) + Number(writer) * 1_000_000_000;
/** A priced, attributed chat completion, as the proxy records one (the other benchmarks' `benchCall`). */
const next = () => {
  n += 1;
  clock += 7;
  return {
    id: newCallId(clock), startedAt: clock, conversationId: `conv-${n % 5000}`, ticketId: null, provider: 'openai', operation: 'chat',
    requestModel: 'gpt-4o-mini', responseModel: 'gpt-4o-mini-2024-07-18',
    usage: { inputTokens: 182, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 131, reasoningTokens: 0 },
    costUsd: 0.0001059, prices: { input: 0.15, cachedInput: 0.075, cacheWrite: null, output: 0.6, source: 'genai-prices:openai/gpt-4o-mini' },
    status: 'ok', httpStatus: 200, errorType: null, estimated: false, streamed: false, latencyMs: 812.4, timeToFirstChunkMs: null,
    upstreamRequestId: `req_${n}`, responseId: `chatcmpl-${n}`, finishReasons: ['stop'], source: 'proxy',
  };
};

process.on('message', async (message) => {
  if (message.type === 'go') {
    let calls = 0;
    const t0 = process.hrtime.bigint();
    const deadline = t0 + BigInt(Math.round(message.seconds * 1e9));
    while (process.hrtime.bigint() < deadline) {
      await Promise.all(Array.from({ length: message.inFlight }, () => recorder.record(next())));
      calls += message.inFlight;
    }
    process.send({ type: 'done', calls, seconds: Number(process.hrtime.bigint() - t0) / 1e9, failed: recorder.stats().failedWrites });
  } else if (message.type === 'stop') {
    await recorder.close();
    await ledger.close();
    process.exit(0);
  }
});
process.send({ type: 'ready' });
