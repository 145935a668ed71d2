/**
 * `cpr-meter serve` with a Zendesk webhook endpoint, for the webhooks benchmark: as
 * serve-cpr.mjs, plus `helpdeskSettings` for Zendesk (secret in BENCH_ZENDESK_SECRET). Prints
 * `READY <url>`. Over IPC, `{ type: 'stats' }` answers the webhook counters and the ledger's rows.
 *
 * Usage: node bench/support/serve-cpr-helpdesks.mjs <compiled src dir> <upstream base URL with /v1> <db path>
 */
import { pathToFileURL } from 'node:url';

const [buildDir, upstream, db] = process.argv.slice(2);
if (!buildDir || !upstream || !db) throw new Error('usage: serve-cpr-helpdesks.mjs <compiled src dir> <upstream base URL with /v1> <db path>');
const load = (path) => import(pathToFileURL(`${buildDir}/${path}`).href);
const { startServer } = await load('server/start-server.js');
const { silentLogger } = await load('logging/logger.js');
const { warmTokenizer } = await load('usage/estimate.js');

const cpr = await startServer({
  port: 0, db, upstream, anthropicUpstream: upstream.replace(/\/v1$/, ''), logger: silentLogger,
  env: { BENCH_ZENDESK_SECRET: process.env.BENCH_ZENDESK_SECRET },
  helpdeskSettings: { zendesk: { secretEnv: 'BENCH_ZENDESK_SECRET', botUserIds: ['900001'], timeTrackingTotalFieldId: '360000000001' } },
});
warmTokenizer();

process.on('message', (message) => {
  if (message.type === 'stats') {
    const calls = cpr.ledger.db.prepare('SELECT COUNT(*) AS n FROM llm_calls').get().n;
    const events = cpr.ledger.db.prepare('SELECT COUNT(*) AS n FROM events').get().n;
    process.send?.({ type: 'stats', webhooks: cpr.webhooks.stats.snapshot(), recorder: cpr.recorder.stats(), calls, events });
  }
});
process.once('SIGTERM', () => {
  void cpr.close({ graceMs: 200 }).finally(() => process.exit(0));
});
process.stdout.write(`READY ${cpr.url}\n`);
