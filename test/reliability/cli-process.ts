import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** What a command printed and how it ended. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `cpr-meter ...args` from source as its own process (`node --import tsx`: one process,
 * quicker to start than the `tsx` launcher when several run at once).
 */
export function runCommand(args: string[], { env = {} }: { env?: Record<string, string> } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `cpr-meter serve` running as a child process, as an operator runs it. */
export interface ServeChild {
  /** `http://127.0.0.1:PORT`, from its `cpr-meter listening` log line. */
  url: string;
  child: ChildProcess;
  /** Everything it wrote to stderr so far (JSON log lines and messages). */
  stderr(): string;
  /** Resolves when it has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The environment without any `CPR_*` variable of the machine running the tests. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CPR_')));
  return { ...env, ...extra };
}

/**
 * Starts `cpr-meter serve --port 0` from source in ONE process (`node --import tsx`, not the
 * `tsx` launcher, which would put a second process between a signal and the server), or with
 * `built` the built CLI (`dist/cli/main.js`, as installed), and waits for it to log the address
 * it listens on.
 */
export async function startServeChild(
  { db, upstream, args = [], env = {}, built = false }: { db: string; upstream: string; args?: string[]; env?: Record<string, string>; built?: boolean },
): Promise<ServeChild> {
  const child = spawn(
    process.execPath,
    [...(built ? ['dist/cli/main.js'] : ['--import', 'tsx', 'src/cli/main.ts']), 'serve', '--port', '0', '--db', db, '--upstream', upstream, '--log-level', 'info', ...args],
    { cwd: root, env: cleanEnv(env), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cpr-meter serve did not start in 15 s:\n${stderr}`)), 15_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /"msg":"cpr-meter listening".*?"url":"([^"]+)"/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`cpr-meter serve exited (${code ?? signal}) before listening:\n${stderr}`));
    });
  });
  return { url, child, stderr: () => stderr, exited };
}

/** Kills a child this test started, if it is still running, and waits for it. */
export async function stopChild(serve: ServeChild | undefined): Promise<void> {
  if (!serve) return;
  if (serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
  await serve.exited;
}
