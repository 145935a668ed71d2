import OpenAI from 'openai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveServeConfig } from '../../src/config/serve-config.js';
import { ConfigError } from '../../src/errors.js';
import { safeEqual } from '../../src/server/safe-equal.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';

/*
 * When the proxy holds the upstream key (CPR_UPSTREAM_API_KEY), reaching the proxy must not be
 * reaching the upstream account: the proxy requires its own client token (CPR_PROXY_TOKEN),
 * compares it in constant time, and sends the upstream its key and nothing of the client's.
 */

const UPSTREAM_KEY = 'sk-upstream-held-by-the-proxy';
const PROXY_TOKEN = 'cpr-proxy-token-0123456789';
const CLIENT_OWN_KEY = 'sk-client-own-key';

const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Where is my parcel?' }] };

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness({ upstreamApiKey: UPSTREAM_KEY, proxyToken: PROXY_TOKEN });
});
afterAll(async () => h.close());
beforeEach(() => h.sim.reset());

const call = (headers: Record<string, string>, path = '/v1/chat/completions', body: unknown = ask) =>
  fetch(`${h.cpr.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** Every header value the upstream received, joined: what must not hold the client's credentials. */
const upstreamHeaderText = () => h.sim.requests.map((r) => JSON.stringify(r.headers)).join('\n');

describe('configuration', () => {
  it('refuses to start with an upstream key but no proxy token, saying what to set', () => {
    expect(() => resolveServeConfig({ upstreamApiKey: UPSTREAM_KEY }, {})).toThrow(ConfigError);
    expect(() => resolveServeConfig({}, { CPR_UPSTREAM_API_KEY: UPSTREAM_KEY })).toThrow(/CPR_PROXY_TOKEN/);
  });

  it('refuses credentials in an upstream URL (it is logged and named in errors), without echoing them', () => {
    for (const [options, env] of [[{ upstream: 'https://user:sk-in-url@api.example.com/v1' }, {}], [{}, { CPR_ANTHROPIC_UPSTREAM_URL: 'https://:sk-in-url@api.example.com' }]] as const) {
      let error: unknown;
      try {
        resolveServeConfig(options, env);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/must not hold credentials.*CPR_UPSTREAM_API_KEY/);
      expect((error as Error).message).not.toContain('sk-in-url');
    }
  });

  it('refuses to listen beyond loopback without an admin token', () => {
    expect(() => resolveServeConfig({ host: '0.0.0.0' }, {})).toThrow(/CPR_ADMIN_TOKEN/);
    expect(resolveServeConfig({ host: '0.0.0.0', adminToken: 'a' }, {}).host).toBe('0.0.0.0');
  });
});

describe('the proxy token', () => {
  it('is required: without it, or with a wrong one, a 401 in OpenAI shape, nothing sent upstream, no row', async () => {
    const rows = h.rows().length;
    const wrong: Array<Record<string, string>> = [
      {}, // nothing
      { authorization: `Bearer ${CLIENT_OWN_KEY}` }, // the client's own upstream key
      { authorization: `Bearer ${PROXY_TOKEN.slice(0, -1)}` }, // a prefix
      { authorization: `Bearer ${PROXY_TOKEN}0` }, // one character more
      { authorization: `Bearer ${PROXY_TOKEN.replace(/9$/, '8')}` }, // same length, last character wrong
      { authorization: PROXY_TOKEN }, // not a bearer token
      { 'x-api-key': `${PROXY_TOKEN}x` },
    ];
    for (const headers of wrong) {
      const res = await call(headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(await res.json()).toEqual({ error: { message: expect.stringContaining('CPR_PROXY_TOKEN'), type: 'authentication_error' } });
    }
    // Unrecorded routes too.
    expect((await fetch(`${h.cpr.url}/v1/models`)).status).toBe(401);
    expect(h.sim.requests).toHaveLength(0);
    expect(h.rows().length).toBe(rows);
  });

  it('answers the OpenAI SDK with an AuthenticationError', async () => {
    const client = new OpenAI({ apiKey: CLIENT_OWN_KEY, baseURL: `${h.cpr.url}/v1`, maxRetries: 0 });
    await expect(client.chat.completions.create(ask)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('is compared in constant time: digests of equal length, whatever was presented', () => {
    expect(safeEqual(PROXY_TOKEN, PROXY_TOKEN)).toBe(true);
    // timingSafeEqual throws on buffers of different lengths; comparing digests never does.
    for (const presented of ['', 'x', PROXY_TOKEN.slice(0, -1), `${PROXY_TOKEN}0`, PROXY_TOKEN.repeat(100)]) {
      expect(safeEqual(presented, PROXY_TOKEN)).toBe(false);
    }
  });

  it('is never compared with == or === anywhere in src/ (nor is the admin token)', () => {
    const files = (function walk(dir: string): string[] {
      return readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? walk(path) : path.endsWith('.ts') ? [path] : [];
      });
    })('src');
    const operator = String.raw`(?:===|!==|==|!=)(?!=)`;
    const plainCompare = new RegExp(String.raw`${operator}\s*(?:deps\.|config\.)?(?:proxyToken|adminToken)\b`
      + String.raw`|\b(?:proxyToken|adminToken)\s*${operator}\s*(?!\s|undefined\b|'')`);
    const offenders = files.flatMap((file) => readFileSync(file, 'utf8').split('\n')
      .map((line, i) => [`${file}:${i + 1}`, line] as const)
      .filter(([, line]) => plainCompare.test(line)));
    expect(offenders).toEqual([]);
    expect(readFileSync('src/proxy/proxy-handler.ts', 'utf8')).toMatch(/safeEqual\(presentedToken\(req\), deps\.proxyToken\)/);
    expect(readFileSync('src/api/admin-auth.ts', 'utf8')).toMatch(/timingSafeEqual\(digest\(/);
  });
});

describe('what the upstream receives', () => {
  it("gets the proxy's upstream key as the bearer token, and never the proxy token or the client's own key", async () => {
    const res = await call({ authorization: `Bearer ${PROXY_TOKEN}`, 'x-api-key': CLIENT_OWN_KEY, 'proxy-authorization': `Basic ${CLIENT_OWN_KEY}` });
    expect(res.status).toBe(200);
    const sent = h.sim.requests.at(-1)!.headers;
    expect(sent.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(sent['x-api-key']).toBeUndefined();
    expect(upstreamHeaderText()).not.toContain(PROXY_TOKEN);
    expect(upstreamHeaderText()).not.toContain(CLIENT_OWN_KEY);
  });

  it('gets the key as x-api-key on the Anthropic route, and no Authorization header', async () => {
    const res = await call({ 'x-api-key': PROXY_TOKEN, 'anthropic-version': '2023-06-01' }, '/v1/messages',
      { model: 'claude-sonnet-4-5', max_tokens: 20, messages: ask.messages });
    expect(res.status).toBe(200);
    const sent = h.sim.requests.at(-1)!.headers;
    expect(sent['x-api-key']).toBe(UPSTREAM_KEY);
    expect(sent.authorization).toBeUndefined();
    expect(upstreamHeaderText()).not.toContain(PROXY_TOKEN);
  });

  it('gets the same on unrecorded routes passed through, and on streamed calls through the SDK', async () => {
    expect((await fetch(`${h.cpr.url}/v1/models`, { headers: { authorization: `Bearer ${PROXY_TOKEN}` } })).status).toBeLessThan(500);
    const client = new OpenAI({ apiKey: PROXY_TOKEN, baseURL: `${h.cpr.url}/v1`, maxRetries: 0 });
    for await (const _ of await client.chat.completions.create({ ...ask, stream: true })) void _;
    expect(h.sim.requests).toHaveLength(2);
    for (const request of h.sim.requests) expect(request.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(upstreamHeaderText()).not.toContain(PROXY_TOKEN);
  });
});

describe('a proxy token without an upstream key', () => {
  it('is required, and is dropped: it is the proxy\'s, not the upstream\'s', async () => {
    const alone = await startProxyHarness({ proxyToken: PROXY_TOKEN });
    try {
      expect((await fetch(`${alone.cpr.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(ask) })).status).toBe(401);
      const res = await fetch(`${alone.cpr.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${PROXY_TOKEN}` }, body: JSON.stringify(ask) });
      expect(res.status).toBe(200);
      expect(alone.sim.requests.at(-1)!.headers.authorization).toBeUndefined();
      expect(JSON.stringify(alone.sim.requests.at(-1)!.headers)).not.toContain(PROXY_TOKEN);
    } finally {
      await alone.close();
    }
  });
});
