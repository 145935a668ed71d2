import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('npm run demo', () => {
  it('plays the simulated month offline and prints a report a support lead can read', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url)), ['src/demo/main.ts'], {
        cwd: root,
        env: { ...process.env, OPENAI_API_KEY: '' },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', reject);
      child.on('close', (exit) => resolve({ code: exit, stdout: out, stderr: err }));
    });
    expect(stderr).toMatch(/SIMULATED LLM upstream/);
    expect(code).toBe(0);
    // 160 seeded tickets; the demo's own counts are checked against the report it prints.
    expect(stderr).toMatch(/played 160 tickets and \d+ LLM calls/);
    expect(stdout).toMatch(/AI journey\s+Human-only\s+All tickets/);
    expect(stdout).toMatch(/^Tickets\s+\d+\s+\d+\s+160$/m);
    expect(stdout).toMatch(/True AI CPR \$[\d.,]+ vs naive AI CPR \$[\d.,]+/);
    expect(stdout).toMatch(/By category:/);
  }, 60_000);
});
