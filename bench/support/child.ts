/**
 * Starts a benchmark actor (fake upstream, bare proxy, cpr-meter, Portkey) as its own process,
 * as it runs in production, and waits for the line that says where it listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A running child process and the URL it printed. */
export interface Child {
  url: string;
  process: ChildProcess;
  pid: number;
  /** Sends a message over IPC and resolves with the first reply of the same `type`. */
  ask<T>(message: { type: string }): Promise<T>;
  stop(): Promise<void>;
}

/** Options of {@link startChild}. */
export interface StartChildOptions {
  /** The command and its arguments. */
  command: string;
  args: string[];
  /** Matches the ready line; its first group is the URL. */
  ready: RegExp;
  env?: Record<string, string>;
  /** Give up after this long. Default 30 s. */
  timeoutMs?: number;
  /** Open an IPC channel (for {@link Child.ask}). Default false. */
  ipc?: boolean;
}

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Spawns a process and waits until it prints its ready line. */
export async function startChild({ command, args, ready, env = {}, timeoutMs = 30_000, ipc = false }: StartChildOptions): Promise<Child> {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (data: Buffer) => {
      output += data.toString();
      // Portkey colours its output: strip ANSI escapes before matching.
      const match = ready.exec(output.replace(/\u001b\[[0-9;]*m/g, ''));
      if (match) {
        clearTimeout(timer);
        resolve(match[1] ?? '');
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (data: Buffer) => {
      output += data.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
  // Keep draining the pipes so that a chatty child never blocks on a full pipe.
  child.stdout!.removeAllListeners('data');
  child.stdout!.resume();
  child.stderr!.removeAllListeners('data');
  child.stderr!.resume();
  child.removeAllListeners('exit');
  return {
    url,
    process: child,
    pid: child.pid!,
    ask<T>(message: { type: string }) {
      return new Promise<T>((resolve) => {
        const onMessage = (reply: { type?: string }) => {
          if (reply.type !== message.type) return;
          child.off('message', onMessage);
          resolve(reply as T);
        };
        child.on('message', onMessage);
        child.send(message);
      });
    },
    stop() {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      });
    },
  };
}

/** Runs a compiled script of `benchBuildDir` with Node. */
function startCompiled(benchBuildDir: string, script: string, args: string[]): Promise<Child> {
  return startChild({ command: process.execPath, args: [`${benchBuildDir}${script}`, ...args], ready: /READY (\S+)/ });
}

/** The fake upstream as a process (compiled into `benchBuildDir`); its URL is the `/v1` base. */
export function startUpstreamProcess(benchBuildDir: string): Promise<Child> {
  return startCompiled(benchBuildDir, 'fake-upstream.js', []);
}

/** The bare pass-through proxy as a process (compiled into `benchBuildDir`), in front of `upstreamBase`. */
export function startBareProxyProcess(benchBuildDir: string, upstreamBase: string): Promise<Child> {
  return startCompiled(benchBuildDir, 'bare-proxy.js', [upstreamBase]);
}

/** `cpr-meter serve` as a process, from the sources compiled into `buildDir`, recording to `db`. */
export function startCprProcess(buildDir: string, upstreamBase: string, db: string, options: { nodeArgs?: string[] } = {}): Promise<Child> {
  return startChild({
    command: process.execPath,
    args: [...(options.nodeArgs ?? []), fileURLToPath(new URL('./serve-cpr.mjs', import.meta.url)), buildDir, upstreamBase, db],
    ready: /READY (\S+)/,
    ipc: true,
  });
}

/** A free TCP port on loopback (for servers that cannot listen on port 0 and say which port they got). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The Portkey gateway's Node server (`@portkey-ai/gateway`), headless, as a process. */
export async function startPortkeyProcess(): Promise<Child> {
  const port = await freePort();
  const child = await startChild({
    command: process.execPath,
    args: [fileURLToPath(new URL('../../node_modules/@portkey-ai/gateway/build/start-server.js', import.meta.url)), `--port=${port}`, '--headless'],
    ready: /Ready for connections/,
    env: { NODE_ENV: 'production' },
  });
  return { ...child, url: `http://127.0.0.1:${port}` };
}

/**
 * CPU time (user + system) a process has used so far, in milliseconds, from `/proc/<pid>/stat`;
 * `null` where there is no `/proc` (the column is then left empty).
 */
export function cpuTimeMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** `getconf CLK_TCK`: 100 on Linux. */
const CLOCK_TICKS = 100;

/** Resident set size of a process in bytes, from `/proc/<pid>/status`; `null` where there is no `/proc`. */
export function rssBytes(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}
