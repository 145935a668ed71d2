/**
 * Benchmark 5, memory: the resident set size of the cpr-meter process (compiled, as it ships)
 * after 10,000 (warm), 100,000 and 200,000 requests, nine non-streamed chat completions for every
 * 100-chunk stream, at concurrency 16 (autocannon), against the instant fake upstream. The bare
 * pass-through proxy takes the same load, interleaved, as the baseline: what Node itself holds.
 * RSS is read every 250 ms under load and a stretch's figure is the median of its second half
 * (one reading at one instant moves by 10 to 20% as the allocator keeps or returns pages); the
 * reading after the stretch and the heap after a GC are shown too.
 * The target: no growth (within 10%) from 100,000 to 200,000, and under 200 MB.
 */
import autocannon from 'autocannon';
import { BENCH_BUILD_DIR, BUILD_DIR, buildSources } from './support/build.js';
import { rssBytes, startBareProxyProcess, startCprProcess, startUpstreamProcess, type Child } from './support/child.js';
import { CHAT_BODY, CHAT_HEADERS, STREAM_BODY } from './support/chat-request.js';
import type { BenchOptions } from './support/options.js';
import { saveResults } from './support/results.js';
import { scratchDir } from './support/scratch.js';
import { median } from './support/stats.js';
import { printTable, type Cell } from './support/table.js';

const MB = 1024 * 1024;

/** Runs the memory benchmark and returns what it saved. */
export async function runMemoryBenchmark(options: BenchOptions) {
  const scratch = scratchDir('memory');
  const children: Child[] = [];
  try {
    buildSources();
    const upstream = await startUpstreamProcess(BENCH_BUILD_DIR);
    children.push(upstream);
    const bare = await startBareProxyProcess(BENCH_BUILD_DIR, upstream.url);
    children.push(bare);
    const cpr = await startCprProcess(BUILD_DIR, upstream.url, scratch.file('ledger.db'), { nodeArgs: ['--expose-gc'] });
    children.push(cpr);
    const scale = options.quick ? 0.1 : 1;
    const checkpoints = [10_000, 100_000, 200_000].map((n) => Math.round(n * scale));
    process.stdout.write(`memory: RSS after ${checkpoints.map((n) => n.toLocaleString('en-US')).join(', ')} requests (9 chat completions : 1 stream), concurrency 16\n`);

    /**
     * Sends `amount` requests to `child`, reading its RSS every 250 ms meanwhile. RSS moves by
     * 10 to 20% from one instant to the next as the allocator keeps or returns freed pages, so a
     * stretch's figure is the median of the readings of its second half, under load.
     */
    const load = async (child: Child, amount: number) => {
      const requests = [
        ...Array.from({ length: 9 }, () => ({ method: 'POST', path: '/v1/chat/completions', headers: CHAT_HEADERS, body: CHAT_BODY })),
        { method: 'POST', path: '/v1/chat/completions', headers: CHAT_HEADERS, body: STREAM_BODY },
      ];
      const readings: number[] = [];
      const sampler = setInterval(() => {
        const rss = rssBytes(child.pid);
        if (rss !== null) readings.push(rss / MB);
      }, 250);
      try {
        const result = await autocannon({ url: child.url, requests, connections: 16, amount, timeout: 10 });
        const rssMb = readings.length === 0 ? null : median(readings.slice(Math.floor(readings.length / 2)));
        return { errors: result.errors + result.timeouts + result.non2xx, rssMb };
      } finally {
        clearInterval(sampler);
      }
    };
    const samples: Array<{ requests: number; cprRssMb: number; cprRssAfterMb: number; cprHeapUsedMb: number; bareRssMb: number | null }> = [];
    let done = 0;
    let errors = 0;
    for (const target of checkpoints) {
      // The two proxies take the same requests, one after the other, so that they see the same machine.
      const cprLoad = await load(cpr, target - done);
      const bareLoad = await load(bare, target - done);
      errors += cprLoad.errors + bareLoad.errors;
      done = target;
      const { memory } = await cpr.ask<{ memory: NodeJS.MemoryUsage }>({ type: 'memory' });
      const after = (rssBytes(cpr.pid) ?? memory.rss) / MB;
      const sample = {
        requests: target,
        cprRssMb: cprLoad.rssMb ?? after,
        cprRssAfterMb: after,
        cprHeapUsedMb: memory.heapUsed / MB,
        bareRssMb: bareLoad.rssMb,
      };
      samples.push(sample);
      process.stdout.write(`  ${target.toLocaleString('en-US')} requests: cpr-meter RSS ${sample.cprRssMb.toFixed(1)} MB under load (median), ${after.toFixed(1)} MB after\n`);
    }
    const { stats, rows: ledgerRows } = await cpr.ask<{ stats: { recorded: number }; rows: number }>({ type: 'stats' });
    const at100k = samples[1]!;
    const at200k = samples[2]!;
    const growth = at200k.cprRssMb / at100k.cprRssMb - 1;
    const rows: Cell[][] = samples.map((s) => [s.requests.toLocaleString('en-US'), s.cprRssMb, s.cprRssAfterMb, s.cprHeapUsedMb, s.bareRssMb, s.bareRssMb === null ? null : s.cprRssMb - s.bareRssMb]);
    printTable('Memory of the proxy process (RSS, MB; under load: median of the readings of the stretch\'s second half)',
      ['requests', 'cpr-meter RSS under load', 'cpr-meter RSS after', 'cpr-meter heap used (after GC)', 'bare proxy RSS under load', 'cpr-meter − bare'], rows, [0, 1, 1, 1, 1, 1]);
    process.stdout.write(`RSS growth from ${at100k.requests.toLocaleString('en-US')} to ${at200k.requests.toLocaleString('en-US')} requests: ${(growth * 100).toFixed(1)}%; ${ledgerRows} rows recorded (${stats.recorded} by the recorder); ${errors} failed requests\n`);
    const targetsMet = { flatWithin10Percent: Math.abs(growth) <= 0.1, under200Mb: at200k.cprRssMb < 200 };
    process.stdout.write(`targets: ${JSON.stringify(targetsMet)}\n`);
    const results = { samples, growthFrom100kTo200k: growth, ledgerRows, failedRequests: errors, targetsMet };
    if (!options.quick) saveResults('memory', results);
    return results;
  } finally {
    for (const child of children.reverse()) await child.stop();
    scratch.remove();
  }
}
