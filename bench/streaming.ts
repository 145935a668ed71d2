/**
 * Benchmark 2, streaming: a 100-chunk chat stream straight from the fake upstream and through
 * cpr-meter (which asks for usage on the client's behalf and hides the usage chunk again).
 *
 * - Burst: the upstream writes the whole stream at once. Time to first chunk and total time at
 *   concurrency 1 and 16, and streams per second.
 * - Paced: one event per millisecond. Each event's delay, from the upstream writing it to the
 *   client reading it, and whether events that left apart arrive together (held back and merged).
 *
 * The upstream runs in this process, so that its send times and the client's arrival times share
 * one clock; cpr-meter runs in its own process. Every stream's bytes must equal the direct ones.
 */
import { Pool } from 'undici';
import { startCprProcess, type Child } from './support/child.js';
import { CHAT_HEADERS, STREAM_BODY } from './support/chat-request.js';
import { PACE_HEADER, startFakeUpstream, STREAM_ID_HEADER, type FakeUpstream } from './support/fake-upstream.js';
import { BUILD_DIR, buildSources } from './support/build.js';
import type { BenchOptions } from './support/options.js';
import { saveResults } from './support/results.js';
import { PROFILE_DIR, scratchDir } from './support/scratch.js';
import { median, percentile } from './support/stats.js';
import { printTable, type Cell } from './support/table.js';

type TargetName = 'direct' | 'cpr-meter';

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
  let cpr: Child | undefined;
  try {
    buildSources();
    upstream = await startFakeUpstream({
      onChunkSent: (streamId, index, at) => {
        if (!sent.has(streamId)) sent.set(streamId, []);
        sent.get(streamId)![index] = at;
      },
    });
    cpr = await startCprProcess(BUILD_DIR, upstream.baseUrl, scratch.file('ledger.db'), {
      nodeArgs: options.profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
    });
    const targets: Record<TargetName, { pool: Pool; path: string }> = {
      direct: { pool: new Pool(new URL(upstream.baseUrl).origin, { connections: 64 }), path: '/v1/chat/completions' },
      'cpr-meter': { pool: new Pool(cpr.url, { connections: 64 }), path: '/v1/chat/completions' },
    };
    const names = Object.keys(targets) as TargetName[];

    // The bytes every client must get: the direct stream's.
    const reference = (await readStream(targets.direct.pool, targets.direct.path, CHAT_HEADERS)).body;
    const identical = (sample: StreamSample) => sample.body === reference;
    process.stdout.write(`streaming: direct, cpr-meter; ${options.rounds} rounds; ${reference.length} bytes, ${reference.split('\n\n').length - 1} events per stream\n`);
    for (const name of names) await runStreams(targets[name].pool, targets[name].path, CHAT_HEADERS, { connections: 16, durationS: Math.min(2, options.durationS) });

    // Burst: whole streams at concurrency 1 and 16.
    const burst = new Map<string, Array<{ ttfcP50: number; ttfcP99: number; totalP50: number; totalP99: number; streamsPerSecond: number; mismatched: number }>>();
    const paced = new Map<string, Array<{ delayP50: number; delayP99: number; merged: number; events: number; mismatched: number }>>();
    const pacedStreams = options.quick ? 10 : 30;
    let streamNumber = 0;
    for (let round = 0; round < options.rounds; round += 1) {
      const order = round % 2 === 0 ? names : [...names].reverse();
      for (const connections of [1, 16]) {
        for (const name of order) {
          const { samples, streamsPerSecond } = await runStreams(targets[name].pool, targets[name].path, CHAT_HEADERS, { connections, durationS: options.durationS });
          const key = `${connections}/${name}`;
          burst.set(key, [...(burst.get(key) ?? []), {
            ttfcP50: percentile(samples.map((s) => s.ttfcMs), 50),
            ttfcP99: percentile(samples.map((s) => s.ttfcMs), 99),
            totalP50: percentile(samples.map((s) => s.totalMs), 50),
            totalP99: percentile(samples.map((s) => s.totalMs), 99),
            streamsPerSecond,
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

    const rows: Cell[][] = [];
    const figures: Record<string, unknown> = {};
    for (const connections of [1, 16]) {
      const at = (name: TargetName) => burst.get(`${connections}/${name}`)!;
      for (const name of names) {
        const rounds = at(name);
        const direct = at('direct');
        const figure = {
          ttfcP50Ms: median(rounds.map((r) => r.ttfcP50)),
          ttfcP99Ms: median(rounds.map((r) => r.ttfcP99)),
          totalP50Ms: median(rounds.map((r) => r.totalP50)),
          totalP99Ms: median(rounds.map((r) => r.totalP99)),
          streamsPerSecond: median(rounds.map((r) => r.streamsPerSecond)),
          addedTtfcP50Ms: median(rounds.map((r, i) => r.ttfcP50 - direct[i]!.ttfcP50)),
          addedTotalP50Ms: median(rounds.map((r, i) => r.totalP50 - direct[i]!.totalP50)),
          streamsVsDirect: median(rounds.map((r, i) => r.streamsPerSecond / direct[i]!.streamsPerSecond)),
          mismatchedStreams: rounds.reduce((sum, r) => sum + r.mismatched, 0),
          rounds,
        };
        figures[`burst/${connections}/${name}`] = figure;
        rows.push([String(connections), name, figure.ttfcP50Ms, figure.ttfcP99Ms, figure.addedTtfcP50Ms, figure.totalP50Ms, figure.totalP99Ms, figure.addedTotalP50Ms, Math.round(figure.streamsPerSecond), `${(figure.streamsVsDirect * 100).toFixed(0)}%`, figure.mismatchedStreams]);
      }
    }
    printTable(
      `Streaming, 100 chunks written at once (medians of ${options.rounds} rounds)`,
      ['conc', 'target', 'TTFC p50 ms', 'TTFC p99 ms', '+TTFC p50', 'total p50 ms', 'total p99 ms', '+total p50', 'streams/s', 'vs direct', 'bytes differ'],
      rows,
      [0, 0, 3, 3, 3, 3, 3, 3, 0, 0, 0],
    );
    const pacedRows: Cell[][] = names.map((name) => {
      const rounds = paced.get(name)!;
      const direct = paced.get('direct')!;
      const figure = {
        delayP50Ms: median(rounds.map((r) => r.delayP50)),
        delayP99Ms: median(rounds.map((r) => r.delayP99)),
        addedDelayP50Ms: median(rounds.map((r, i) => r.delayP50 - direct[i]!.delayP50)),
        mergedEvents: rounds.reduce((sum, r) => sum + r.merged, 0),
        eventsPerStream: median(rounds.map((r) => r.events)),
        mismatchedStreams: rounds.reduce((sum, r) => sum + r.mismatched, 0),
        rounds,
      };
      figures[`paced/${name}`] = figure;
      return [name, figure.delayP50Ms, figure.delayP99Ms, figure.addedDelayP50Ms, figure.eventsPerStream, figure.mergedEvents, figure.mismatchedStreams];
    });
    printTable(
      `Streaming, one event per ms: delay from the upstream's write to the client's read (${pacedStreams} streams x 100 events per round)`,
      ['target', 'delay p50 ms', 'delay p99 ms', '+delay p50', 'events/stream', 'held back, merged', 'bytes differ'],
      pacedRows,
      [0, 3, 3, 3, 0, 0, 0],
    );
    const ttfc1 = figures['burst/1/cpr-meter'] as { addedTtfcP50Ms: number };
    const ttfc16 = figures['burst/16/cpr-meter'] as { addedTtfcP50Ms: number };
    const pacedCpr = figures['paced/cpr-meter'] as { mergedEvents: number; mismatchedStreams: number };
    const targetsMet = {
      ttfcWithin1MsOfDirectAtConcurrency1: ttfc1.addedTtfcP50Ms <= 1,
      ttfcWithin1MsOfDirectAtConcurrency16: ttfc16.addedTtfcP50Ms <= 1,
      chunksNotCoalesced: pacedCpr.mergedEvents === 0,
      bytesIdentical: Object.values(figures).every((f) => (f as { mismatchedStreams: number }).mismatchedStreams === 0),
    };
    process.stdout.write(`targets: ${JSON.stringify(targetsMet)}\n`);
    const results = { rounds: options.rounds, durationS: options.durationS, pacedStreamsPerRound: pacedStreams, figures, targetsMet };
    if (!options.quick) saveResults('streaming', results);
    await Promise.all(Object.values(targets).map((t) => t.pool.close()));
    return results;
  } finally {
    await cpr?.stop();
    await upstream?.close();
    scratch.remove();
  }
}
