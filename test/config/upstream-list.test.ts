import { describe, expect, it } from 'vitest';
import { resolveServeConfig } from '../../src/config/serve-config.js';
import { ConfigError } from '../../src/errors.js';

const resolve = (options: Record<string, unknown>, env: Record<string, string> = {}) => resolveServeConfig(options, env);
const configError = (run: () => unknown): ConfigError => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('no ConfigError');
};

describe('several upstreams (--upstream, CPR_UPSTREAM_URL)', () => {
  it('keeps a bare URL as the single upstream, named openai as /healthz has always called it', () => {
    const config = resolve({ upstream: 'https://api.groq.com/openai/v1' });
    expect(config.upstreams).toEqual([{ name: 'openai', url: 'https://api.groq.com/openai/v1', provider: 'groq', apiKey: undefined }]);
    expect([config.upstream, config.upstreamProvider]).toEqual(['https://api.groq.com/openai/v1', 'groq']);
    expect(resolve({}).upstreams).toEqual([{ name: 'openai', url: 'https://api.openai.com/v1', provider: 'openai', apiKey: undefined }]);
  });

  it('reads name=url and name=url@provider, repeated or comma-separated, the first the default', () => {
    const config = resolve({ upstream: ['openai=https://api.openai.com/v1, groq=https://api.groq.com/openai/v1/', 'local=http://127.0.0.1:9000/v1@together'] });
    expect(config.upstreams.map((u) => [u.name, u.url, u.provider])).toEqual([
      ['openai', 'https://api.openai.com/v1', 'openai'],
      ['groq', 'https://api.groq.com/openai/v1', 'groq'],
      ['local', 'http://127.0.0.1:9000/v1', 'together'],
    ]);
    expect(config.upstream).toBe('https://api.openai.com/v1');
  });

  it('reads CPR_UPSTREAM_URL the same way, and the option wins over it', () => {
    const env = { CPR_UPSTREAM_URL: 'azure=https://acme.openai.azure.com/openai,gemini=https://generativelanguage.googleapis.com/v1beta/openai' };
    expect(resolve({}, env).upstreams.map((u) => [u.name, u.provider])).toEqual([['azure', 'azure'], ['gemini', 'google']]);
    expect(resolve({ upstream: 'https://api.openai.com/v1' }, env).upstreams.map((u) => u.name)).toEqual(['openai']);
  });

  it("gives each upstream its own key, CPR_UPSTREAM_API_KEY_<NAME> (uppercased, - as _); the shared key goes to the first and to Anthropic's", () => {
    const env = { CPR_UPSTREAM_API_KEY: 'shared', CPR_UPSTREAM_API_KEY_OPEN_ROUTER: 'or-key', CPR_PROXY_TOKEN: 't' };
    const config = resolve({ upstream: 'openai=https://api.openai.com/v1,open-router=https://openrouter.ai/api/v1,groq=https://api.groq.com/openai/v1' }, env);
    expect(config.upstreams.map((u) => [u.name, u.apiKey])).toEqual([['openai', 'shared'], ['open-router', 'or-key'], ['groq', undefined]]);
    expect(config.anthropicUpstreamApiKey).toBe('shared');
    expect(resolve({}, { CPR_UPSTREAM_API_KEY_ANTHROPIC: 'ant', CPR_PROXY_TOKEN: 't' }).anthropicUpstreamApiKey).toBe('ant');
  });

  it('requires the proxy token as soon as any upstream has a key of its own', () => {
    const error = configError(() => resolve({ upstream: 'openai=https://api.openai.com/v1,groq=https://api.groq.com/openai/v1' }, { CPR_UPSTREAM_API_KEY_GROQ: 'g' }));
    expect(error.option).toBe('proxy-token');
    expect(error.message).toMatch(/^CPR_UPSTREAM_API_KEY_GROQ is set, .*set CPR_PROXY_TOKEN/);
  });

  it('refuses, naming the option: several bare URLs, a name given twice, the reserved name anthropic, a bad URL, credentials in a URL', () => {
    const cases: Array<[unknown, RegExp]> = [
      ['https://a.example/v1,https://b.example/v1', /^--upstream: with several upstreams, name each one as name=url/],
      ['a=https://a.example/v1,A=https://b.example/v1', /^--upstream: the upstream name A is given twice/],
      ['my-x=https://a.example/v1,my_x=https://b.example/v1', /given twice \(names differing only in case, - or _ are the same\)/],
      ['anthropic=https://api.anthropic.com', /the name anthropic is the Anthropic upstream's; set its URL with --anthropic-upstream/],
      ['groq=ftp://api.groq.com', /^--upstream \(CPR_UPSTREAM_URL\) must be an http\(s\) URL; got ftp:\/\/api.groq.com\./],
      ['groq=https://user:pw@api.groq.com/openai/v1', /must not hold credentials/],
    ];
    for (const [upstream, message] of cases) {
      const error = configError(() => resolve({ upstream }));
      expect(error.option, String(upstream)).toBe('upstream');
      expect(error.message, String(upstream)).toMatch(message);
    }
    expect(configError(() => resolve({}, { CPR_UPSTREAM_URL: 'https://a.example/v1,https://b.example/v1' })).message).toMatch(/^CPR_UPSTREAM_URL: with several upstreams/);
  });

  it('applies --upstream-provider to the first upstream unless it names its own', () => {
    const config = resolve({ upstream: 'a=http://127.0.0.1:1/v1,b=http://127.0.0.1:2/v1', upstreamProvider: 'groq' });
    expect(config.upstreams.map((u) => u.provider)).toEqual(['groq', null]);
    expect(resolve({ upstream: 'a=http://127.0.0.1:1/v1@x-ai', upstreamProvider: 'groq' }).upstreams[0]!.provider).toBe('x-ai');
  });
});
