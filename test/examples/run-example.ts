import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/** How an example's run ended and what it printed. */
export interface ExampleRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tsx examples/<file> ...args` from the repository root, as the examples' README says, with
 * `OPENAI_API_KEY` and the cpr-meter variables removed from the environment (so it runs offline,
 * against the simulated upstream) and `env` added.
 */
export function runExample(file: string, { args = [], env = {} }: { args?: string[]; env?: Record<string, string> } = {}): Promise<ExampleRun> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'OPENAI_API_KEY' && !name.startsWith('CPR_')));
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [`examples/${file}`, ...args], { cwd: root, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
