import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startServeChild, stopChild, type ServeChild } from '../reliability/cli-process.js';
import { tempDir } from '../support/temp-dir.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = tempDir('cpr-serve-start-');
afterAll(() => dir.remove());

/** Runs `cpr-meter serve ...args` as its own process; kills it if it is still running after `killAfterMs`. */
function runServe(args: string[], killAfterMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CPR_')));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

describe('cpr-meter serve, starting', () => {
  it('on a port in use: exits 1 with one line naming the port and --port / CPR_PORT, and leaves no ledger behind', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    const db = dir.file('never-used.db');
    try {
      // Before: a stack, then a process that ran on without listening, until killed here.
      const result = await runServe(['--port', String(port), '--db', db, '--upstream', 'http://127.0.0.1:9/v1'], 20_000);
      expect(result.signal).toBeNull();
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `cpr-meter: Port ${port} on 127.0.0.1 is already in use (another cpr-meter serve, or another program): stop it, or choose another port with --port or CPR_PORT (0 picks a free one).\n`,
      );
      expect(existsSync(db)).toBe(false);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 30_000);

  it('names both upstreams and whether it created the ledger in its start line, and warns about an upstream without its API path', async () => {
    const db = dir.file('serve.db');
    const lines = (serve: ServeChild) => serve.stderr().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    let serve: ServeChild | undefined;
    try {
      serve = await startServeChild({ db, upstream: 'https://api.openai.com', args: ['--anthropic-upstream', 'https://api.anthropic.com/v1'] });
      const first = lines(serve);
      expect(first.filter((line) => line.level === 'warn').map((line) => [line.option, line.msg])).toEqual([
        ['--upstream', '--upstream (CPR_UPSTREAM_URL) https://api.openai.com lacks the API path of api.openai.com: calls would go to https://api.openai.com/chat/completions. Use https://api.openai.com/v1.'],
        ['--anthropic-upstream', '--anthropic-upstream (CPR_ANTHROPIC_UPSTREAM_URL) https://api.anthropic.com/v1: the proxy adds /v1 itself, so calls would go to https://api.anthropic.com/v1/v1/messages. Use https://api.anthropic.com.'],
      ]);
      expect(first.find((line) => line.msg === 'cpr-meter listening')).toMatchObject({
        db, ledger: 'created', upstream: 'https://api.openai.com', anthropicUpstream: 'https://api.anthropic.com/v1',
      });
      await stopChild(serve);

      serve = await startServeChild({ db, upstream: 'https://api.openai.com/v1' });
      const second = lines(serve);
      expect(second.filter((line) => line.level === 'warn')).toEqual([]);
      expect(second.find((line) => line.msg === 'cpr-meter listening')).toMatchObject({
        db, ledger: 'existing', upstream: 'https://api.openai.com/v1', anthropicUpstream: 'https://api.anthropic.com',
      });
    } finally {
      await stopChild(serve);
    }
  }, 60_000);
});
