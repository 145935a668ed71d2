import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: where the README's commands are run. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/** What a run printed and how it ended. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a TypeScript entry point of the repository through tsx (`src/cli/main.ts`, an example, the
 * demo), from the root, with exactly `env` as its environment and `input` on its standard input.
 */
export function runTsx(script: string, args: string[], options: { env: NodeJS.ProcessEnv; input?: string; cwd?: string }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [script, ...args], { cwd: options.cwd ?? repoRoot, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Runs `cpr-meter ...args` from source (through tsx), as a user would run the built command. */
export function runCli(args: string[], options: { env?: Record<string, string>; input?: string; cwd?: string } = {}): Promise<CliResult> {
  return runTsx('src/cli/main.ts', args, {
    env: { ...process.env, CPR_DB: '', CPR_PRICES: '', ...options.env },
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
  });
}
