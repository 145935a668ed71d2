import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { startServer, type CprServer } from '../../src/server/start-server.js';
import { startSimulatedUpstream, type SimulatedUpstream } from '../../src/simulator/index.js';
import { tempDir } from '../support/temp-dir.js';

interface LogLine { level: string; msg: string; [field: string]: unknown }
interface Health {
  status: string;
  upstreams: Record<'openai' | 'anthropic', { state: string; since: string | null; lastError: string | null; failures: number; url: string }>;
}

const dir = tempDir('cpr-upstream-health-');
let cpr: CprServer | undefined;
let sim: SimulatedUpstream | undefined;
afterEach(async () => {
  await cpr?.close({ graceMs: 200 });
  await sim?.close();
  cpr = undefined;
  sim = undefined;
});

/** A loopback port nobody listens on: a simulator's, once it is closed. */
async function closedPort(): Promise<number> {
  const probe = await startSimulatedUpstream();
  const port = Number(new URL(probe.openaiBaseUrl).port);
  await probe.close();
  return port;
}

describe('an unreachable upstream', () => {
  it('is logged once per kind and on recovery, and shown on /healthz for both upstreams', async () => {
    const port = await closedPort();
    const origin = `http://127.0.0.1:${port}`;
    const log: LogLine[] = [];
    cpr = await startServer({
      port: 0, db: dir.file('ledger.db'), upstream: `${origin}/v1`, anthropicUpstream: origin, env: {},
      logger: createLogger({ level: 'info', write: (line) => log.push(JSON.parse(line) as LogLine) }),
    });
    const health = async () => {
      const res = await fetch(`${cpr!.url}/healthz`);
      return { code: res.status, body: (await res.json()) as Health };
    };
    const openai = new OpenAI({ apiKey: 'sk-test', baseURL: `${cpr.url}/v1`, maxRetries: 0 });
    const anthropic = new Anthropic({ apiKey: 'sk-ant-test', baseURL: cpr.url, maxRetries: 0 });
    const chat = () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is my parcel?' }] });
    const message = () => anthropic.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] });

    // Before any call: nothing known, nothing wrong.
    const before = await health();
    expect(before.code).toBe(200);
    expect(before.body.status).toBe('ok');
    expect(before.body.upstreams.openai).toEqual({ state: 'unknown', since: null, lastError: null, failures: 0, url: `${origin}/v1` });
    expect(before.body.upstreams.anthropic).toEqual({ state: 'unknown', since: null, lastError: null, failures: 0, url: origin });

    // Three OpenAI calls and two Anthropic calls into nothing: each client gets its 502...
    for (let i = 0; i < 3; i += 1) await expect(chat()).rejects.toMatchObject({ status: 502 });
    for (let i = 0; i < 2; i += 1) await expect(message()).rejects.toMatchObject({ status: 502 });
    // ...and the log says so once per upstream, not once per call (before: not at all).
    const down = log.filter((line) => line.msg === 'upstream unreachable');
    expect(down.map((line) => [line.level, line.upstream, line.code])).toEqual([
      ['warn', 'openai', 'upstream_unreachable'],
      ['warn', 'anthropic', 'upstream_unreachable'],
    ]);
    expect(down[0]!.url).toBe(`${origin}/v1`);
    expect(String(down[0]!.error)).toMatch(/ECONNREFUSED/);

    // /healthz: degraded (before: "ok"), still 200, each upstream unreachable with its count of failed calls.
    const during = await health();
    expect(during.code).toBe(200);
    expect(during.body.status).toBe('degraded');
    expect(during.body.upstreams.openai).toMatchObject({ state: 'unreachable', lastError: 'upstream_unreachable', failures: 3 });
    expect(during.body.upstreams.anthropic).toMatchObject({ state: 'unreachable', lastError: 'upstream_unreachable', failures: 2 });
    expect(Date.parse(during.body.upstreams.openai.since!)).toBeGreaterThan(Date.now() - 60_000);

    // The upstream comes back on the same port: the next call goes through, and one line says so.
    sim = await startSimulatedUpstream({ port });
    await chat();
    const halfway = await health();
    expect(halfway.body.status).toBe('degraded'); // Anthropic's upstream has not been reached again yet
    expect(halfway.body.upstreams.openai).toMatchObject({ state: 'ok', lastError: 'upstream_unreachable', failures: 0 });
    await message();
    await chat();
    const after = await health();
    expect(after.body.status).toBe('ok');
    expect(after.body.upstreams.anthropic.state).toBe('ok');
    const up = log.filter((line) => line.msg === 'upstream reachable again');
    expect(up.map((line) => [line.level, line.upstream, line.failures])).toEqual([['info', 'openai', 3], ['info', 'anthropic', 2]]);
    expect(log.filter((line) => line.msg === 'upstream unreachable')).toHaveLength(2);
  }, 30_000);

  it('that times out is logged again as a new kind while it stays unreachable', async () => {
    const { UpstreamHealth } = await import('../../src/proxy/upstream-health.js');
    const log: LogLine[] = [];
    let now = Date.parse('2026-11-21T10:00:00Z');
    const upstreams = new UpstreamHealth({
      urls: { openai: 'https://api.openai.com/v1', anthropic: 'https://api.anthropic.com' },
      logger: createLogger({ write: (line) => log.push(JSON.parse(line) as LogLine) }),
      now: () => now,
    });
    upstreams.failed('openai', { code: 'upstream_unreachable', message: 'connect ECONNREFUSED' });
    now += 5_000;
    upstreams.failed('openai', { code: 'upstream_unreachable', message: 'connect ECONNREFUSED' });
    upstreams.failed('openai', { code: 'upstream_timeout', message: 'headers timeout' });
    upstreams.failed('openai', { code: 'upstream_timeout', message: 'headers timeout' });
    expect(log.map((line) => [line.msg, line.code])).toEqual([['upstream unreachable', 'upstream_unreachable'], ['upstream unreachable', 'upstream_timeout']]);
    // `since` is when it became unreachable, not the last failure; 4 calls failed.
    expect(upstreams.snapshot().openai).toEqual({
      state: 'unreachable', since: '2026-11-21T10:00:00.000Z', lastError: 'upstream_timeout', failures: 4, url: 'https://api.openai.com/v1',
    });
    expect(upstreams.snapshot().anthropic.state).toBe('unknown');
    expect(upstreams.anyUnreachable()).toBe(true);
  });
});
