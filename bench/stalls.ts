/**
 * Benchmark 7, stalls: the longest gap between two completed LLM calls through cpr-meter at a
 * steady load (8 clients, each sending non-streamed chat completions one after another; every
 * fifth call opens a new conversation linked to a ticket, so that links are written), while each
 * of these happens in turn:
 *
 * - another process holds the ledger's write lock for 5 s (`BEGIN EXCLUSIVE`);
 * - 10,000 rows wait in the retry buffer (written while the ledger refused writes) and flush;
 * - a 200,000-event `POST /api/events` (27 MB), sent by another process;
 * - a 500,000-event `cpr-meter ingest`;
 * - 40 uploads of 30 MiB of a 32 MiB body each, stalling there, then leaving.
 *
 * The baseline is the same load with nothing happening. The proxy's RSS is read every 250 ms;
 * its baseline is the median under load before the rounds, and "after" is the median of the 3 s
 * after the stalled uploads' clients have left. Rounds are repeated and medians given. Target:
 * no gap over 250 ms, RSS back within 10% of its baseline.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { BENCH_BUILD_DIR, BUILD_DIR, buildSources } from './support/build.js';
import { ROOT, rssBytes, startCprProcess, startUpstreamProcess, type Child } from './support/child.js';
import { CHAT_BODY, CHAT_HEADERS } from './support/chat-request.js';
import type { BenchOptions } from './support/options.js';
import { saveResults } from './support/results.js';
import { scratchDir } from './support/scratch.js';
import { median } from './support/stats.js';
import { printTable, type Cell } from './support/table.js';

const MB = 1024 * 1024;
const CLIENTS = 8;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a process to its end; resolves with its exit code. */
function run(command: string, args: string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', resolve);
  });
}

/** The steady load: `CLIENTS` loops of calls; the completion times (ms, `performance.now()`) of each. */
function startLoad(url: string) {
  const dispatcher = new Agent({ connections: CLIENTS, keepAliveTimeout: 30_000 });
  const completions: number[] = [];
  let errors = 0;
  let running = true;
  let n = 0;
  const loop = async (client: number) => {
    while (running) {
      n += 1;
      const conversation = `stall-${client}-${Math.floor(n / 5)}`;
      try {
        const res = await request(`${url}/v1/chat/completions`, {
          method: 'POST', dispatcher, body: CHAT_BODY,
          headers: { ...CHAT_HEADERS, 'x-cpr-conversation-id': conversation, 'x-cpr-ticket-id': `T-${conversation}` },
        });
        await res.body.dump();
        if (res.statusCode === 200) completions.push(performance.now());
        else errors += 1;
      } catch {
        errors += 1;
      }
    }
  };
  const loops = Array.from({ length: CLIENTS }, (_, client) => loop(client));
  return {
    completions,
    errors: () => errors,
    /** The longest gap between two completions in [from, to], ms (edges included). */
    longestGap(from: number, to: number): number {
      const inside = [from, ...completions.filter((t) => t >= from && t <= to), to];
      let longest = 0;
      for (let i = 1; i < inside.length; i += 1) longest = Math.max(longest, inside[i]! - inside[i - 1]!);
      return longest;
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      await dispatcher.close();
    },
  };
}

/** 40 uploads: headers for 32 MiB, 30 MiB sent, then nothing. Resolves once all is sent (or refused); `leave()` closes them. */
async function stalledUploads(url: string, count: number) {
  const { port } = new URL(url);
  const chunk = Buffer.alloc(MB, 'x');
  const sockets = await Promise.all(Array.from({ length: count }, () => new Promise<import('node:net').Socket>((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    socket.on('error', () => {});
    socket.once('connect', async () => {
      socket.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${32 * MB}\r\n\r\n{"x":"`);
      for (let i = 0; i < 30 && !socket.destroyed; i += 1) {
        if (!socket.write(chunk)) {
          await new Promise<void>((done) => {
            const go = () => { socket.off('drain', go); socket.off('close', go); done(); };
            socket.on('drain', go);
            socket.on('close', go);
          });
        }
      }
      resolve(socket);
    });
  })));
  return { leave: () => sockets.forEach((socket) => socket.destroy()) };
}

/** Runs the stalls benchmark and returns what it saved. */
export async function runStallsBenchmark(options: BenchOptions) {
  const scratch = scratchDir('stalls');
  const children: Child[] = [];
  const rounds = options.quick ? 1 : Math.min(options.rounds, 3);
  const scale = options.quick ? 0.1 : 1;
  try {
    buildSources();
    const db = scratch.file('ledger.db');
    const upstream = await startUpstreamProcess(BENCH_BUILD_DIR);
    children.push(upstream);
    const cpr = await startCprProcess(BUILD_DIR, upstream.url, db);
    children.push(cpr);
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const cli = `${BUILD_DIR}cli/main.js`;

    // The disturbances' inputs, made before any load.
    const postEvents = Math.round(200_000 * scale);
    const ingestEvents = Math.round(500_000 * scale);
    const postFile = scratch.file('post.json');
    writeFileSync(postFile, JSON.stringify(Array.from({ length: postEvents }, (_, i) => ({
      type: 'human.work', ticketId: `P-${i}`, seconds: 60, agentId: 'agent-7', eventId: `post-${Date.now()}-${i}` }))));
    const ingestFile = scratch.file('ingest.jsonl');
    writeFileSync(ingestFile, Array.from({ length: ingestEvents }, (_, i) => JSON.stringify({ type: 'human.work', ticketId: `I-${i}`, seconds: 60 })).join('\n'));
    // Sent by another process, so that the load's client never waits for it.
    const poster = `const body = require('node:fs').readFileSync(process.argv[1]); fetch(process.argv[2] + '/api/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.text()).then(() => {}, () => {});`;

    const load = startLoad(cpr.url);
    const rss: Array<{ at: number; mb: number }> = [];
    const sampler = setInterval(() => {
      const bytes = rssBytes(cpr.pid);
      if (bytes !== null) rss.push({ at: performance.now(), mb: bytes / MB });
    }, 250);
    const rssBetween = (from: number, to: number) => median(rss.filter((r) => r.at >= from && r.at <= to).map((r) => r.mb));
    /** The longest gap while `disturb` runs (and for `settleMs` after). */
    const during = async (disturb: () => Promise<unknown>, settleMs = 1_000): Promise<number> => {
      const from = performance.now();
      await disturb();
      await sleep(settleMs);
      return load.longestGap(from, performance.now());
    };

    await sleep(3_000); // warm-up
    const rssFrom = performance.now();
    await sleep(3_000);
    const baselineRssMb = rssBetween(rssFrom, performance.now());
    const scenarios: Record<string, number[]> = { 'nothing (baseline)': [], 'lock held 5 s by another process': [], '10,000 buffered rows flush': [],
      [`${postEvents.toLocaleString('en-US')}-event POST /api/events`]: [], [`${ingestEvents.toLocaleString('en-US')}-event ingest`]: [], '40 stalled uploads': [] };
    const names = Object.keys(scenarios);
    const rssAfterMb: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      scenarios[names[0]!]!.push(await during(() => sleep(5_000), 0));
      scenarios[names[1]!]!.push(await during(() => run(process.execPath, ['-e',
        `const db = new (require(${JSON.stringify(driver)}))(${JSON.stringify(db)}); db.exec('BEGIN EXCLUSIVE'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, 5000);`]), 2_000));
      await cpr.ask({ type: 'buffer', rows: 10_000 } as { type: string });
      // From the moment the ledger takes writes again: the retry timer (1 s) flushes the buffer.
      scenarios[names[2]!]!.push(await during(() => cpr.ask({ type: 'release' }), 3_000));
      scenarios[names[3]!]!.push(await during(() => run(process.execPath, ['-e', poster, postFile, cpr.url])));
      scenarios[names[4]!]!.push(await during(() => run(process.execPath, [cli, 'ingest', ingestFile, '--db', db])));
      const uploads = await stalledUploads(cpr.url, 40);
      scenarios[names[5]!]!.push(await during(() => sleep(12_000), 0));
      uploads.leave();
      await sleep(2_000);
      const from = performance.now();
      await sleep(3_000);
      rssAfterMb.push(rssBetween(from, performance.now()));
      process.stdout.write(`  round ${round + 1}: ${names.map((name) => `${name} ${scenarios[name]!.at(-1)!.toFixed(0)} ms`).join('; ')}; RSS after ${rssAfterMb.at(-1)!.toFixed(1)} MB\n`);
    }
    clearInterval(sampler);
    await load.stop();
    const peakRssMb = Math.max(...rss.map((r) => r.mb));
    const { stats } = await cpr.ask<{ stats: Record<string, unknown> }>({ type: 'stats' });
    const rows: Cell[][] = names.map((name) => [name, median(scenarios[name]!), Math.max(...scenarios[name]!)]);
    printTable(`Longest gap between completed LLM calls, ms (${CLIENTS} clients; median and max of ${rounds} rounds)`, ['while', 'median', 'max'], rows, 0);
    const rssAfter = median(rssAfterMb);
    process.stdout.write(`RSS: baseline ${baselineRssMb.toFixed(1)} MB, peak ${peakRssMb.toFixed(1)} MB, after the uploads left ${rssAfter.toFixed(1)} MB (${((rssAfter / baselineRssMb - 1) * 100).toFixed(1)}%); `
      + `${load.completions.length} calls completed, ${load.errors()} failed; recorder ${JSON.stringify(stats)}\n`);
    const worst = Math.max(...names.slice(1).map((name) => median(scenarios[name]!)));
    const targetsMet = { noGapOver250ms: worst <= 250, rssWithin10Percent: rssAfter <= baselineRssMb * 1.1 };
    process.stdout.write(`targets: ${JSON.stringify(targetsMet)}\n`);
    const results = { rounds, scenarios, baselineRssMb, peakRssMb, rssAfterMb, completed: load.completions.length, failed: load.errors(), recorder: stats, targetsMet };
    if (!options.quick) saveResults('stalls', results);
    return results;
  } finally {
    for (const child of children.reverse()) await child.stop();
    scratch.remove();
  }
}
