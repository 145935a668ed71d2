import { spawn } from 'node:child_process';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/run-cli.js';
import { useSimulatedUpstream } from '../support/use-simulated-upstream.js';

const upstream = useSimulatedUpstream({ reset: false });
const { dir } = upstream;

/** How long the script may run at most: it takes about 2 s (tsx's start); a meter keeping it alive runs forever. */
const HANG_MS = 15_000;

/** Runs the script; resolves with its exit code, or `'hung'` when it had to be killed. */
function runScript(db: string): Promise<{ code: number | null | 'hung'; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // One process (tsx as a loader, not its CLI, which would run the script in a second one).
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/meter/exit-without-close.script.ts'], {
      cwd: repoRoot,
      env: { ...process.env, CPR_DB: db, SIM_BASE_URL: upstream.sim.openaiBaseUrl },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let hung = false;
    const killer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, HANG_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code: hung ? 'hung' : code, stdout, stderr });
    });
  });
}

describe('a meter opened on a file, never closed', () => {
  it('lets a script that is done exit by itself, its calls (group commit included) written', async () => {
    upstream.sim.enqueue({ usage: { input: 100, output: 10 } }, { usage: { input: 200, output: 20 } }, { usage: { input: 300, output: 30 } });
    const db = dir.file('left-open.db');

    const run = await runScript(db);

    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('done, meter left open\n');
    expect(run.code).toBe(0);
    // Each call's usage as the simulator was scripted: the last one was still waiting for its
    // group commit (100 ms by default) when the script's last line ran.
    const ledger = new BetterSqlite3(db, { readonly: true });
    const rows = ledger.prepare('SELECT conversation_id, status, streamed, input_tokens, output_tokens FROM llm_calls ORDER BY started_at, rowid').all();
    ledger.close();
    expect(rows).toEqual([
      { conversation_id: 'exit-1', status: 'ok', streamed: 0, input_tokens: 100, output_tokens: 10 },
      { conversation_id: 'exit-2', status: 'ok', streamed: 1, input_tokens: 200, output_tokens: 20 },
      { conversation_id: 'exit-3', status: 'ok', streamed: 0, input_tokens: 300, output_tokens: 30 },
    ]);
  }, 30_000);
});
