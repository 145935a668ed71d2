/**
 * Benchmark 1, proxy overhead: non-streamed chat completions at concurrency 1, 16 and 64, for
 * (a) the client straight to the fake upstream, (b) a bare `node:http` + `undici` pass-through,
 * (c) cpr-meter recording to SQLite, (d) the Portkey gateway, each its own process. Rounds
 * alternate the targets (their order rotating), and every ratio is taken within a round.
 */
import { cpuTimeMs, startBareProxyProcess, startCprProcess, startPortkeyProcess, startUpstreamProcess, type Child } from './support/child.js';
import { CHAT_BODY, CHAT_HEADERS } from './support/chat-request.js';
import { runLoad, type LoadResult, type LoadTarget } from './support/load.js';
import { BENCH_BUILD_DIR, BUILD_DIR, buildSources } from './support/build.js';
import type { BenchOptions } from './support/options.js';
import { saveResults } from './support/results.js';
import { PROFILE_DIR, scratchDir } from './support/scratch.js';
import { median } from './support/stats.js';
import { printTable, type Cell } from './support/table.js';

type TargetName = 'direct' | 'bare' | 'cpr-meter' | 'portkey';

const CONCURRENCIES = [1, 16, 64] as const;

/** One load run, with the CPU time the measured process (the proxy; the upstream for `direct`) spent per request. */
type Measured = LoadResult & { cpuUsPerRequest: number | null };

/** Figures of one target at one concurrency: medians over rounds, and every round's measurement. */
interface TargetFigures {
  requestsPerSecond: number;
  cpuUsPerRequest: number | null;
  p50Ms: number;
  p99Ms: number;
  /** Medians of the per-round differences / ratios. */
  addedP50MsOverDirect: number;
  addedP99MsOverDirect: number;
  p50MsOverBare: number;
  p99MsOverBare: number;
  throughputVsBare: number;
  errors: number;
  rounds: Measured[];
}

async function checkTarget(name: TargetName, target: LoadTarget): Promise<string | null> {
  try {
    const response = await fetch(target.url, { method: 'POST', headers: target.headers, body: target.body });
    const text = await response.text();
    if (response.status !== 200 || !text.includes('"chat.completion"')) return `answered ${response.status}: ${text.slice(0, 200)}`;
    if (name === 'cpr-meter' && !/^\d/.test(response.headers.get('x-cpr-cost-usd') ?? '')) return `no cost header (x-cpr-cost-usd: ${response.headers.get('x-cpr-cost-usd')})`;
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Runs the proxy-overhead benchmark and returns what it saved. */
export async function runProxyBenchmark(options: BenchOptions) {
  const scratch = scratchDir('proxy');
  const children: Child[] = [];
  try {
    buildSources();
    const upstream = await startUpstreamProcess(BENCH_BUILD_DIR);
    children.push(upstream);
    const bare = await startBareProxyProcess(BENCH_BUILD_DIR, upstream.url);
    children.push(bare);
    const cpr = await startCprProcess(BUILD_DIR, upstream.url, scratch.file('ledger.db'), {
      nodeArgs: options.profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
    });
    children.push(cpr);
    let portkeyProblem: string | null = null;
    let portkey: Child | null = null;
    try {
      portkey = await startPortkeyProcess();
      children.push(portkey);
    } catch (error) {
      portkeyProblem = `did not start: ${(error as Error).message.slice(0, 300)}`;
    }

    const targets = new Map<TargetName, LoadTarget>([
      ['direct', { url: `${upstream.url}/chat/completions`, headers: CHAT_HEADERS, body: CHAT_BODY }],
      ['bare', { url: `${bare.url}/v1/chat/completions`, headers: CHAT_HEADERS, body: CHAT_BODY }],
      ['cpr-meter', { url: `${cpr.url}/v1/chat/completions`, headers: CHAT_HEADERS, body: CHAT_BODY }],
    ]);
    if (portkey) {
      // Portkey's documented way to reach any OpenAI-compatible host: provider `openai` and a custom host.
      targets.set('portkey', {
        url: `${portkey.url}/v1/chat/completions`,
        headers: { ...CHAT_HEADERS, 'x-portkey-provider': 'openai', 'x-portkey-custom-host': upstream.url },
        body: CHAT_BODY,
      });
    }
    for (const [name, target] of targets) {
      const problem = await checkTarget(name, target);
      if (problem === null) continue;
      if (name !== 'portkey') throw new Error(`${name} does not answer as expected: ${problem}`);
      portkeyProblem = problem;
      targets.delete('portkey');
    }
    if (options.targets.length > 0) for (const name of [...targets.keys()]) if (!options.targets.includes(name)) targets.delete(name);
    const names = [...targets.keys()];
    const pids: Record<TargetName, number> = { direct: upstream.pid, bare: bare.pid, 'cpr-meter': cpr.pid, portkey: portkey?.pid ?? 0 };
    process.stdout.write(`proxy: ${names.join(', ')}; ${options.tool}, ${options.rounds} rounds of ${options.durationS} s per figure\n`);

    // Warm-up: JIT, connection pools, SQLite's page cache.
    for (const target of targets.values()) await runLoad(target, { connections: 16, durationS: Math.min(3, options.durationS), tool: options.tool });

    const measured = new Map<string, Measured[]>();
    for (let round = 0; round < options.rounds; round += 1) {
      for (const connections of CONCURRENCIES) {
        // Rotate the order each round, so that no target always runs first (or right after another).
        const order = names.map((_, i) => names[(i + round) % names.length]!);
        for (const name of order) {
          const cpuBefore = cpuTimeMs(pids[name]);
          const load = await runLoad(targets.get(name)!, { connections, durationS: options.durationS, tool: options.tool });
          const cpuAfter = cpuTimeMs(pids[name]);
          const cpuUsPerRequest = cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) * 1000) / load.requests;
          const result: Measured = { ...load, cpuUsPerRequest };
          const key = `${connections}/${name}`;
          measured.set(key, [...(measured.get(key) ?? []), result]);
        }
      }
      process.stdout.write(`  round ${round + 1}/${options.rounds} done\n`);
    }
    const stats = await cpr.ask<{ stats: { recorded: number; failedWrites: number; dropped: number }; rows: number }>({ type: 'stats' });

    const figures: Record<string, Partial<Record<TargetName, TargetFigures>>> = {};
    const rows: Cell[][] = [];
    for (const connections of CONCURRENCIES) {
      const at = (name: TargetName) => measured.get(`${connections}/${name}`) ?? [];
      const perRound = (name: TargetName, f: (mine: Measured, other: Measured) => number, other: TargetName) =>
        at(other).length === 0 ? Number.NaN : median(at(name).map((mine, round) => f(mine, at(other)[round]!)));
      figures[connections] = {};
      for (const name of names) {
        const results = at(name);
        const figure: TargetFigures = {
          requestsPerSecond: median(results.map((r) => r.requestsPerSecond)),
          cpuUsPerRequest: results.some((r) => r.cpuUsPerRequest === null) ? null : median(results.map((r) => r.cpuUsPerRequest!)),
          p50Ms: median(results.map((r) => r.p50Ms)),
          p99Ms: median(results.map((r) => r.p99Ms)),
          addedP50MsOverDirect: perRound(name, (a, b) => a.p50Ms - b.p50Ms, 'direct'),
          addedP99MsOverDirect: perRound(name, (a, b) => a.p99Ms - b.p99Ms, 'direct'),
          p50MsOverBare: perRound(name, (a, b) => a.p50Ms - b.p50Ms, 'bare'),
          p99MsOverBare: perRound(name, (a, b) => a.p99Ms - b.p99Ms, 'bare'),
          throughputVsBare: perRound(name, (a, b) => a.requestsPerSecond / b.requestsPerSecond, 'bare'),
          errors: results.reduce((sum, r) => sum + r.errors, 0),
          rounds: results,
        };
        figures[connections]![name] = figure;
        rows.push([
          String(connections), name, Math.round(figure.requestsPerSecond), figure.cpuUsPerRequest, figure.p50Ms, figure.p99Ms,
          figure.addedP50MsOverDirect, figure.addedP99MsOverDirect, figure.p50MsOverBare, figure.p99MsOverBare,
          `${(figure.throughputVsBare * 100).toFixed(0)}%`, figure.errors,
        ]);
      }
    }
    printTable(
      `Proxy overhead, non-streamed chat completion (medians of ${options.rounds} rounds; differences and ratios taken within each round)`,
      ['conc', 'target', 'req/s', 'CPU µs/req', 'p50 ms', 'p99 ms', '+p50 vs direct', '+p99 vs direct', 'p50 − bare', 'p99 − bare', 'req/s vs bare', 'errors'],
      rows,
      [0, 0, 0, 0, 3, 3, 3, 3, 3, 3, 0, 0],
    );
    if (portkeyProblem) process.stdout.write(`portkey left out: ${portkeyProblem}\n`);
    process.stdout.write(`cpr-meter recorded ${stats.stats.recorded} calls (${stats.rows} rows, ${stats.stats.failedWrites} failed writes, ${stats.stats.dropped} dropped)\n`);

    const c16 = figures[16]!;
    const cprAt16 = c16['cpr-meter'];
    const portkeyAt = (c: number) => figures[c]?.portkey;
    const targetsMet = cprAt16 && {
      p50WithinHalfMsOfBareAt16: cprAt16.p50MsOverBare <= 0.5,
      p99Within2MsOfBareAt16: cprAt16.p99MsOverBare <= 2,
      throughputAtLeast80PercentOfBareAt16: cprAt16.throughputVsBare >= 0.8,
      aheadOfPortkeyOnEveryFigure: portkeyAt(16)
        ? CONCURRENCIES.every((c) => {
            const mine = figures[c]!['cpr-meter']!;
            const theirs = portkeyAt(c)!;
            return mine.requestsPerSecond > theirs.requestsPerSecond && mine.p50Ms < theirs.p50Ms && mine.p99Ms < theirs.p99Ms;
          })
        : null,
    };
    process.stdout.write(`targets at concurrency 16: ${JSON.stringify(targetsMet)}\n`);
    const results = {
      tool: options.tool, rounds: options.rounds, durationS: options.durationS, concurrencies: CONCURRENCIES,
      portkeyProblem, ledger: stats, figures, targetsMet,
    };
    if (!options.quick && options.targets.length === 0) saveResults('proxy', results);
    return results;
  } finally {
    for (const child of children.reverse()) await child.stop();
    scratch.remove();
  }
}
