/**
 * Benchmark 2, streaming: a 100-chunk chat stream straight from the fake upstream, through the
 * bare pass-through proxy (nothing parsed or recorded: the floor for any Node proxy, which on a
 * small machine shares the cores with the load generator and the upstream), and through
 * cpr-meter (which asks for usage on the client's behalf and hides the usage chunk again).
 *
 * - Burst: the upstream writes the whole stream at once. Time to first chunk and total time at
 *   concurrency 1 and 16, streams per second, and the CPU time each proxy spends per stream.
 * - Paced: one event per millisecond. Each event's delay, from the upstream writing it to the
 *   client reading it, and whether events that left apart arrive together (held back and merged).
 *
 * Rounds alternate the targets (their order rotating), and every difference and ratio is taken
 * within a round. The upstream runs in this process, so that its send times and the client's
 * arrival times share one clock; each proxy runs in its own process. Every stream's bytes must
 * equal the direct ones.
 */
import { Pool } from 'undici';
import { cpuTimeMs, startBareProxyProcess, startCprProcess, type Child } from './support/child.js';
import { CHAT_HEADERS, STREAM_BODY } from './support/chat-request.js';
import { PACE_HEADER, startFakeUpstream, STREAM_ID_HEADER, type FakeUpstream } from './support/fake-upstream.js';
import { BENCH_BUILD_DIR, BUILD_DIR, buildSources } from './support/build.js';
import type { BenchOptions } from './support/options.js';
import { saveResults } from './support/results.js';
import { PROFILE_DIR, scratchDir } from './support/scratch.js';
import { median, percentile } from './support/stats.js';
import { printTable, type Cell } from './support/table.js';

type TargetName = 'direct' | 'bare' | 'cpr-meter';

/** One burst run of one target at one concurrency. */
interface BurstRound {
  ttfcP50: number;
  ttfcP99: number;
  totalP50: number;
  totalP99: number;
  streamsPerSecond: number;
  /** CPU time of the proxy's process per stream; `null` for `direct` (the upstream shares this process). */
  cpuUsPerStream: number | null;
  mismatched: number;
}

/** One paced run of one target. */
interface PacedRound {
  delayP50: number;
  delayP99: number;
  merged: number;
  events: number;
  mismatched: number;
}

/** What one stream looked like from the client. */
interface StreamSample {
  ttfcMs: number;
  totalMs: number;
  events: number;
  body: string;
  /** Per event, `process.hrtime.bigint()` when the client read it. */
  arrivals: bigint[];
  /** Per event, the number of the read that completed it. */
  reads: number[];
}

/** Reads one stream from `pool`, timing its first chunk, its end and each event's arrival. */
async function readStream(pool: Pool, path: string, headers: Record<string, string>): Promise<StreamSample> {
  const t0 = process.hrtime.bigint();
  const { statusCode, body } = await pool.request({ path, method: 'POST', headers, body: STREAM_BODY });
  if (statusCode !== 200) throw new Error(`stream answered ${statusCode}: ${await body.text()}`);
  let first: bigint | null = null;
  let text = '';
  let events = 0;
  let read = 0;
  const arrivals: bigint[] = [];
  const reads: number[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) {
    read += 1;
    const at = process.hrtime.bigint();
    first ??= at;
    const piece = chunk.toString('utf8');
    // Events end with a blank line: count the event ends this read completes (one may straddle two reads).
    let complete = events;
    for (let i = piece.indexOf('\n'); i !== -1; i = piece.indexOf('\n', i + 1)) {
      if (i > 0 ? piece[i - 1] === '\n' : text.endsWith('\n')) complete += 1;
    }
    text += piece;
    for (let i = events; i < complete; i += 1) {
      arrivals.push(at);
      reads.push(read);
    }
    events = complete;
  }
  const end = process.hrtime.bigint();
  return { ttfcMs: Number(first! - t0) / 1e6, totalMs: Number(end - t0) / 1e6, events, body: text, arrivals, reads };
}

/** Streams as many as `connections` concurrent readers finish in `durationS`, or `count` at concurrency 1. */
async function runStreams(pool: Pool, path: string, headers: Record<string, string>, { connections, durationS }: { connections: number; durationS: number }) {
  const samples: StreamSample[] = [];
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(durationS * 1e9));
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (process.hrtime.bigint() < deadline) samples.push(await readStream(pool, path, headers));
    }),
  );
  return { samples, streamsPerSecond: samples.length / (Number(process.hrtime.bigint() - started) / 1e9) };
}

/** Runs the streaming benchmark and returns what it saved. */
export async function runStreamingBenchmark(options: BenchOptions) {
  const scratch = scratchDir('streaming');
  const sent = new Map<string, bigint[]>();
  let upstream: FakeUpstream | undefined;
  const children: Child[] = [];
  try {
    buildSources();
    upstream = await startFakeUpstream({
      onChunkSent: (streamId, index, at) => {
        if (!sent.has(streamId)) sent.set(streamId, []);
        sent.get(streamId)![index] = at;
      },
    });
    const bare = await startBareProxyProcess(BENCH_BUILD_DIR, upstream.baseUrl);
    children.push(bare);
    const cpr = await startCprProcess(BUILD_DIR, upstream.baseUrl, scratch.file('ledger.db'), {
      nodeArgs: options.profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
    });
    children.push(cpr);
    const targets: Record<TargetName, { pool: Pool; path: string; pid: number | null }> = {
      direct: { pool: new Pool(new URL(upstream.baseUrl).origin, { connections: 64 }), path: '/v1/chat/completions', pid: null },
      bare: { pool: new Pool(bare.url, { connections: 64 }), path: '/v1/chat/completions', pid: bare.pid },
      'cpr-meter': { pool: new Pool(cpr.url, { connections: 64 }), path: '/v1/chat/completions', pid: cpr.pid },
    };
    const names = Object.keys(targets) as TargetName[];

    // The bytes every client must get: the direct stream's.
    const reference = (await readStream(targets.direct.pool, targets.direct.path, CHAT_HEADERS)).body;
    const identical = (sample: StreamSample) => sample.body === reference;
    process.stdout.write(`streaming: ${names.join(', ')}; ${options.rounds} rounds; ${reference.length} bytes, ${reference.split('\n\n').length - 1} events per stream\n`);
    for (const name of names) await runStreams(targets[name].pool, targets[name].path, CHAT_HEADERS, { connections: 16, durationS: Math.min(2, options.durationS) });

    // Burst: whole streams at concurrency 1 and 16.
    const burst = new Map<string, BurstRound[]>();
    const paced = new Map<string, PacedRound[]>();
    const pacedStreams = options.quick ? 10 : 30;
    let streamNumber = 0;
    for (let round = 0; round < options.rounds; round += 1) {
      // Rotate the order each round, so that no target always runs first (or right after another).
      const order = names.map((_, i) => names[(i + round) % names.length]!);
      for (const connections of [1, 16]) {
        for (const name of order) {
          const { pid } = targets[name];
          const cpuBefore = pid === null ? null : cpuTimeMs(pid);
          const { samples, streamsPerSecond } = await runStreams(targets[name].pool, targets[name].path, CHAT_HEADERS, { connections, durationS: options.durationS });
          const cpuAfter = pid === null ? null : cpuTimeMs(pid);
          const key = `${connections}/${name}`;
          burst.set(key, [...(burst.get(key) ?? []), {
            ttfcP50: percentile(samples.map((s) => s.ttfcMs), 50),
            ttfcP99: percentile(samples.map((s) => s.ttfcMs), 99),
            totalP50: percentile(samples.map((s) => s.totalMs), 50),
            totalP99: percentile(samples.map((s) => s.totalMs), 99),
            streamsPerSecond,
            cpuUsPerStream: cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) * 1000) / samples.length,
            mismatched: samples.filter((s) => !identical(s)).length,
          }]);
        }
      }
      // Paced: one event a millisecond, one stream at a time.
      for (const name of order) {
        const delays: number[] = [];
        let merged = 0;
        let events = 0;
        let mismatched = 0;
        for (let i = 0; i < pacedStreams; i += 1) {
          const streamId = `s${(streamNumber += 1)}`;
          const sample = await readStream(targets[name].pool, targets[name].path, { ...CHAT_HEADERS, [PACE_HEADER]: '1000', [STREAM_ID_HEADER]: streamId });
          const sentAt = sent.get(streamId) ?? [];
          // The first 100 events are the chunks (the usage chunk the proxy hides comes after them).
          for (let e = 0; e < 100; e += 1) delays.push(Number(sample.arrivals[e]! - sentAt[e]!) / 1e6);
          // Held back and merged: read together with the event before it, though sent 0.5 ms or more
          // after it. (Node's 1 ms timers sometimes fire two writes back to back: those arrive
          // together through any proxy, and say nothing about it.)
          for (let e = 1; e < 100; e += 1) {
            if (sample.reads[e] === sample.reads[e - 1] && Number(sentAt[e]! - sentAt[e - 1]!) >= 500_000) merged += 1;
          }
          events += sample.events;
          if (!identical(sample)) mismatched += 1;
          sent.delete(streamId);
        }
        paced.set(name, [...(paced.get(name) ?? []), {
          delayP50: percentile(delays, 50), delayP99: percentile(delays, 99), merged, events: events / pacedStreams, mismatched,
        }]);
      }
      process.stdout.write(`  round ${round + 1}/${options.rounds} done\n`);
    }

    /** The median over rounds of `f(mine, other's)`, both measured in the same round. */
    const perRound = <T>(rounds: T[], others: T[], f: (mine: T, other: T) => number) => median(rounds.map((r, i) => f(r, others[i]!)));
    const rows: Cell[][] = [];
    const figures: Record<string, unknown> = {};
    for (const connections of [1, 16]) {
      const at = (name: TargetName) => burst.get(`${connections}/${name}`)!;
      for (const name of names) {
        const rounds = at(name);
        const direct = at('direct');
        const bare = at('bare');
        const figure = {
          ttfcP50Ms: median(rounds.map((r) => r.ttfcP50)),
          ttfcP99Ms: median(rounds.map((r) => r.ttfcP99)),
          totalP50Ms: median(rounds.map((r) => r.totalP50)),
          totalP99Ms: median(rounds.map((r) => r.totalP99)),
          streamsPerSecond: median(rounds.map((r) => r.streamsPerSecond)),
          cpuUsPerStream: rounds.some((r) => r.cpuUsPerStream === null) ? null : median(rounds.map((r) => r.cpuUsPerStream!)),
          addedTtfcP50Ms: perRound(rounds, direct, (r, d) => r.ttfcP50 - d.ttfcP50),
          addedTotalP50Ms: perRound(rounds, direct, (r, d) => r.totalP50 - d.totalP50),
          streamsVsDirect: perRound(rounds, direct, (r, d) => r.streamsPerSecond / d.streamsPerSecond),
          ttfcP50MsOverBare: perRound(rounds, bare, (r, b) => r.ttfcP50 - b.ttfcP50),
          totalP50MsOverBare: perRound(rounds, bare, (r, b) => r.totalP50 - b.totalP50),
          streamsVsBare: perRound(rounds, bare, (r, b) => r.streamsPerSecond / b.streamsPerSecond),
          mismatchedStreams: rounds.reduce((sum, r) => sum + r.mismatched, 0),
          rounds,
        };
        figures[`burst/${connections}/${name}`] = figure;
        rows.push([
          String(connections), name, figure.ttfcP50Ms, figure.ttfcP99Ms, figure.addedTtfcP50Ms, figure.ttfcP50MsOverBare,
          figure.totalP50Ms, figure.totalP99Ms, figure.addedTotalP50Ms, figure.totalP50MsOverBare, Math.round(figure.streamsPerSecond),
          `${(figure.streamsVsDirect * 100).toFixed(0)}%`, `${(figure.streamsVsBare * 100).toFixed(0)}%`, figure.cpuUsPerStream, figure.mismatchedStreams,
        ]);
      }
    }
    printTable(
      `Streaming, 100 chunks written at once (medians of ${options.rounds} rounds; differences and ratios taken within each round)`,
      ['conc', 'target', 'TTFC p50 ms', 'TTFC p99 ms', '+TTFC vs direct', 'TTFC − bare', 'total p50 ms', 'total p99 ms', '+total vs direct', 'total − bare',
        'streams/s', 'vs direct', 'vs bare', 'CPU µs/stream', 'bytes differ'],
      rows,
      [0, 0, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0],
    );
    const pacedRows: Cell[][] = names.map((name) => {
      const rounds = paced.get(name)!;
      const figure = {
        delayP50Ms: median(rounds.map((r) => r.delayP50)),
        delayP99Ms: median(rounds.map((r) => r.delayP99)),
        addedDelayP50Ms: perRound(rounds, paced.get('direct')!, (r, d) => r.delayP50 - d.delayP50),
        delayP50MsOverBare: perRound(rounds, paced.get('bare')!, (r, b) => r.delayP50 - b.delayP50),
        mergedEvents: rounds.reduce((sum, r) => sum + r.merged, 0),
        eventsPerStream: median(rounds.map((r) => r.events)),
        mismatchedStreams: rounds.reduce((sum, r) => sum + r.mismatched, 0),
        rounds,
      };
      figures[`paced/${name}`] = figure;
      return [name, figure.delayP50Ms, figure.delayP99Ms, figure.addedDelayP50Ms, figure.delayP50MsOverBare, figure.eventsPerStream, figure.mergedEvents, figure.mismatchedStreams];
    });
    printTable(
      `Streaming, one event per ms: delay from the upstream's write to the client's read (${pacedStreams} streams x 100 events per round)`,
      ['target', 'delay p50 ms', 'delay p99 ms', '+delay vs direct', 'delay − bare', 'events/stream', 'held back, merged', 'bytes differ'],
      pacedRows,
      [0, 3, 3, 3, 3, 0, 0, 0],
    );
    type BurstFigure = { addedTtfcP50Ms: number; ttfcP50MsOverBare: number };
    const ttfc1 = figures['burst/1/cpr-meter'] as BurstFigure;
    const ttfc16 = figures['burst/16/cpr-meter'] as BurstFigure;
    const pacedCpr = figures['paced/cpr-meter'] as { mergedEvents: number };
    const pacedBare = figures['paced/bare'] as { mergedEvents: number };
    const targetsMet = {
      ttfcWithin1MsOfDirectAtConcurrency1: ttfc1.addedTtfcP50Ms <= 1,
      ttfcWithin1MsOfDirectAtConcurrency16: ttfc16.addedTtfcP50Ms <= 1,
      ttfcWithin1MsOfBareAtConcurrency16: ttfc16.ttfcP50MsOverBare <= 1,
      chunksNotCoalesced: pacedCpr.mergedEvents === 0,
      // Events merged because a process was not scheduled in time (2 cores, 4 busy processes)
      // happen to any proxy: the bare proxy shows how many.
      chunksNotCoalescedMoreThanBare: pacedCpr.mergedEvents <= pacedBare.mergedEvents,
      bytesIdentical: Object.values(figures).every((f) => (f as { mismatchedStreams: number }).mismatchedStreams === 0),
    };
    process.stdout.write(`targets: ${JSON.stringify(targetsMet)}\n`);
    const results = { rounds: options.rounds, durationS: options.durationS, pacedStreamsPerRound: pacedStreams, figures, targetsMet };
    if (!options.quick) saveResults('streaming', results);
    await Promise.all(Object.values(targets).map((t) => t.pool.close()));
    return results;
  } finally {
    for (const child of children.reverse()) await child.stop();
    await upstream?.close();
    scratch.remove();
  }
}
