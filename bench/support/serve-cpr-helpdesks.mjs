/**
 * `cpr-meter serve` with a Zendesk webhook endpoint, for the webhooks benchmark (a SQLite path or a PostgreSQL URL as db): as
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

const COUNT_CALLS = 'SELECT COUNT(*) AS n FROM llm_calls';
const COUNT_EVENTS = 'SELECT COUNT(*) AS n FROM events';

/** The ledger's calls and events, on either store. */
async function counts() {
  if (cpr.store.kind === 'postgres') {
    const count = async (sql) => Number((await cpr.store.query('counting rows', sql)).rows[0].n);
    return { calls: await count(COUNT_CALLS), events: await count(COUNT_EVENTS) };
  }
  return { calls: cpr.ledger.db.prepare(COUNT_CALLS).get().n, events: cpr.ledger.db.prepare(COUNT_EVENTS).get().n };
}

process.on('message', (message) => {
  if (message.type === 'stats') {
    void counts().then(({ calls, events }) => {
      process.send?.({ type: 'stats', webhooks: cpr.webhooks.stats.snapshot(), recorder: cpr.recorder.stats(), calls, events });
    });
  }
});
process.once('SIGTERM', () => {
  void cpr.close({ graceMs: 200 }).finally(() => process.exit(0));
});
process.stdout.write(`READY ${cpr.url}\n`);
