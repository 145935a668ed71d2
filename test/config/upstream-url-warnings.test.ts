import { describe, expect, it } from 'vitest';
import { upstreamListWarnings, upstreamUrlWarnings } from '../../src/config/upstream-url-warnings.js';

const ANTHROPIC = 'https://api.anthropic.com';
const OPENAI = 'https://api.openai.com/v1';
const optionsWarned = (upstream: string, anthropicUpstream = ANTHROPIC) =>
  upstreamUrlWarnings({ upstream, anthropicUpstream }).map((warning) => warning.option);

describe('upstreamUrlWarnings', () => {
  it('says nothing of the defaults, of known providers given their API path, or of hosts it does not know', () => {
    for (const upstream of [OPENAI, 'https://api.groq.com/openai/v1', 'https://openrouter.ai/api/v1', 'https://api.mistral.ai/v1',
      'https://api.fireworks.ai/inference/v1', 'https://generativelanguage.googleapis.com/v1beta/openai', 'http://127.0.0.1:9000/v1',
      'http://localhost:11434/v1', 'https://llm.example.com']) {
      expect(optionsWarned(upstream), upstream).toEqual([]);
    }
    expect(optionsWarned(OPENAI, 'http://127.0.0.1:9001')).toEqual([]);
  });

  it('warns when a known provider is given without its API path, and gives the URL to use', () => {
    const cases: Array<[string, string]> = [
      ['https://api.openai.com', 'https://api.openai.com/v1'],
      ['https://api.groq.com/v1', 'https://api.groq.com/openai/v1'],
      ['https://openrouter.ai', 'https://openrouter.ai/api/v1'],
      ['https://api.mistral.ai', 'https://api.mistral.ai/v1'],
    ];
    for (const [given, expected] of cases) {
      const [warning, ...more] = upstreamUrlWarnings({ upstream: given, anthropicUpstream: ANTHROPIC });
      expect(more).toEqual([]);
      expect(warning).toMatchObject({ option: '--upstream', url: given });
      expect(warning!.message).toBe(`--upstream (CPR_UPSTREAM_URL) ${given} lacks the API path of ${new URL(given).hostname}: calls would go to ${given}/chat/completions. Use ${expected}.`);
    }
  });

  it('warns when an endpoint is given for a base URL', () => {
    expect(upstreamUrlWarnings({ upstream: 'https://api.openai.com/v1/chat/completions', anthropicUpstream: ANTHROPIC })[0]!.message)
      .toMatch(/ends with an endpoint; give the API's base URL/);
    expect(optionsWarned('http://127.0.0.1:9000/v1/responses')).toEqual(['--upstream']);
  });

  it('warns when the Anthropic upstream has /v1 (the proxy adds it) or is an OpenAI-compatible host', () => {
    expect(upstreamUrlWarnings({ upstream: OPENAI, anthropicUpstream: 'https://api.anthropic.com/v1' })).toEqual([{
      option: '--anthropic-upstream', url: 'https://api.anthropic.com/v1',
      message: '--anthropic-upstream (CPR_ANTHROPIC_UPSTREAM_URL) https://api.anthropic.com/v1: the proxy adds /v1 itself, so calls would go to https://api.anthropic.com/v1/v1/messages. Use https://api.anthropic.com.',
    }]);
    expect(optionsWarned(OPENAI, 'http://127.0.0.1:9001/v1')).toEqual(['--anthropic-upstream']);
    expect(upstreamUrlWarnings({ upstream: OPENAI, anthropicUpstream: 'https://api.openai.com/v1' })[0]!.message).toMatch(/is not Anthropic's API/);
  });
});

describe('upstreamListWarnings', () => {
  it('checks every upstream, and the Anthropic one once', () => {
    const warnings = upstreamListWarnings({
      upstreams: [{ url: OPENAI }, { url: 'https://api.groq.com' }, { url: 'https://openrouter.ai/api/v1' }, { url: 'https://api.mistral.ai' }],
      anthropicUpstream: 'https://api.anthropic.com/v1',
    });
    expect(warnings.map((w) => [w.option, w.url])).toEqual([
      ['--anthropic-upstream', 'https://api.anthropic.com/v1'],
      ['--upstream', 'https://api.groq.com'],
      ['--upstream', 'https://api.mistral.ai'],
    ]);
    expect(warnings[1]!.message).toMatch(/Use https:\/\/api.groq.com\/openai\/v1\.$/);
  });
});
