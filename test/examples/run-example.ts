import { runTsx, type CliResult } from '../support/run-cli.js';

/** How an example's run ended and what it printed. */
export type ExampleRun = CliResult;

/**
 * Runs `tsx examples/<file> ...args` from the repository root, as the examples' README says, with
 * `OPENAI_API_KEY` and the cpr-meter variables removed from the environment (so it runs offline,
 * against the simulated upstream) and `env` added.
 */
export function runExample(file: string, { args = [], env = {} }: { args?: string[]; env?: Record<string, string> } = {}): Promise<ExampleRun> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'OPENAI_API_KEY' && !name.startsWith('CPR_')));
  return runTsx(`examples/${file}`, args, { env: { ...inherited, ...env } });
}
