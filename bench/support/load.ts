/**
 * Closed-loop load at a fixed concurrency, measured by `wrk` where it is installed (requests per
 * second and latency percentiles in microseconds, from one run), else by `autocannon` for
 * throughput plus an hrtime client for latency (autocannon rounds latency to whole milliseconds).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { percentileOfSorted } from './stats.js';

/** One POST endpoint to load. */
export interface LoadTarget {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What one load run measured. */
export interface LoadResult {
  tool: 'wrk' | 'autocannon+hrtime';
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests completed by the run (both runs of the Node fallback). */
  requests: number;
  /** Failed requests: connection errors, timeouts, and answers that were not 2xx. */
  errors: number;
}

/** The load generators this machine has. */
export type LoadTool = 'wrk' | 'node';

/** `wrk` when it is on the PATH, else the Node fallback. */
export function defaultLoadTool(): LoadTool {
  return spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error ? 'node' : 'wrk';
}

/** Options of {@link runLoad}. */
export interface LoadOptions {
  connections: number;
  durationS: number;
  tool: LoadTool;
}

/** Loads `target` with `connections` concurrent connections for `durationS` seconds. */
export async function runLoad(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  if (options.tool === 'wrk') return runWrk(target, options);
  const throughput = await runAutocannon(target, options);
  const latency = await runHrtimeClient(target, options);
  return {
    ...latency,
    tool: 'autocannon+hrtime',
    requestsPerSecond: throughput.requestsPerSecond,
    requests: latency.requests + throughput.requests,
    errors: latency.errors + throughput.errors,
  };
}

/** A long Lua string that cannot be closed by the body. */
function luaString(text: string): string {
  let level = '';
  while (text.includes(`]${level}]`)) level += '=';
  return `[${level}[${text}]${level}]`;
}

function wrkScript(target: LoadTarget): string {
  const headers = Object.entries(target.headers).map(([name, value]) => `wrk.headers[ ${luaString(name)} ] = ${luaString(value)}`);
  return `wrk.method = "POST"
wrk.body = ${luaString(target.body)}
${headers.join('\n')}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"errors":%d,"p50":%d,"p99":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
`;
}

async function runWrk(target: LoadTarget, { connections, durationS }: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cpr-bench-wrk-'));
  const script = join(dir, 'post.lua');
  writeFileSync(script, wrkScript(target));
  try {
    // One thread: on two cores, more wrk threads would only take CPU from what is measured.
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${durationS}s`, '--timeout', '10s', '-s', script, target.url]);
      let out = '';
      child.stdout.on('data', (data: Buffer) => (out += data.toString()));
      child.stderr.on('data', (data: Buffer) => (out += data.toString()));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited with ${code}:\n${out}`))));
    });
    const line = /WRK_JSON (\{.*\})/.exec(output);
    if (!line) throw new Error(`wrk printed no result:\n${output}`);
    const r = JSON.parse(line[1]!) as { requests: number; duration_us: number; errors: number; p50: number; p99: number };
    return {
      tool: 'wrk',
      requestsPerSecond: r.requests / (r.duration_us / 1e6),
      p50Ms: r.p50 / 1000,
      p99Ms: r.p99 / 1000,
      requests: r.requests,
      errors: r.errors,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runAutocannon(target: LoadTarget, { connections, durationS }: LoadOptions): Promise<{ requestsPerSecond: number; requests: number; errors: number }> {
  const result = await autocannon({
    url: target.url, method: 'POST', headers: target.headers, body: target.body,
    connections, pipelining: 1, duration: durationS, timeout: 10,
  });
  return { requestsPerSecond: result.requests.total / result.duration, requests: result.requests.total, errors: result.errors + result.timeouts + result.non2xx };
}

/**
 * A closed-loop client timing each request with `process.hrtime.bigint()`: `connections`
 * workers each send a request, read its whole answer, and send the next, until the time is up.
 */
export async function runHrtimeClient(target: LoadTarget, { connections, durationS }: Omit<LoadOptions, 'tool'>): Promise<LoadResult> {
  const url = new URL(target.url);
  const pool = new Pool(url.origin, { connections, pipelining: 1 });
  const samples: number[] = [];
  let errors = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(durationS * 1e9));
  const worker = async () => {
    while (process.hrtime.bigint() < deadline) {
      const t0 = process.hrtime.bigint();
      try {
        const { statusCode, body } = await pool.request({ path: url.pathname + url.search, method: 'POST', headers: target.headers, body: target.body });
        await body.arrayBuffer();
        if (statusCode >= 300) errors += 1;
      } catch {
        errors += 1;
        continue;
      }
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  await pool.close();
  const sorted = Float64Array.from(samples).sort();
  return {
    tool: 'autocannon+hrtime',
    requestsPerSecond: samples.length / elapsedS,
    p50Ms: percentileOfSorted(sorted, 50),
    p99Ms: percentileOfSorted(sorted, 99),
    requests: samples.length,
    errors,
  };
}
