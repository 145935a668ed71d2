import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveServeConfig } from '../../src/config/serve-config.js';
import { matchRoute } from '../../src/proxy/routes.js';
import { servingProvider, targetUrl, UpstreamRegistry } from '../../src/proxy/upstream-registry.js';

// The README's several-upstreams example, taken from README.md as written, and its Vertex AI
// upstream: each path the README names goes where it says, recorded as the provider it says.
// (Offline: the upstreams' hosts are never called; where each request would go is checked.)

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const exported = /^export CPR_UPSTREAM_URL='([^']+)'$/m.exec(readme)?.[1];

function registryOf(value: string) {
  const config = resolveServeConfig({}, { CPR_UPSTREAM_URL: value });
  return {
    config,
    registry: new UpstreamRegistry({ upstreams: config.upstreams, anthropic: { url: config.anthropicUpstream, provider: config.anthropicUpstreamProvider, apiKey: undefined } }),
  };
}

function at(registry: UpstreamRegistry, url: string, header?: string) {
  const route = matchRoute('POST', url, {})!;
  const upstream = registry.select(route, header);
  return { name: upstream.name, url: targetUrl(upstream, route), provider: servingProvider(upstream, route) };
}

describe("the README's upstreams", () => {
  it('CPR_UPSTREAM_URL as written: four upstreams, each its provider, each path where the README says', () => {
    expect(exported).toBeDefined();
    const { config, registry } = registryOf(exported!);
    expect(config.upstreams.map((u) => [u.name, u.provider])).toEqual([['openai', 'openai'], ['groq', 'groq'], ['gemini', 'google'], ['azure', 'azure']]);
    expect(at(registry, '/v1/chat/completions')).toEqual({ name: 'openai', url: 'https://api.openai.com/v1/chat/completions', provider: 'openai' });
    expect(at(registry, '/u/groq/v1/chat/completions')).toMatchObject({ url: 'https://api.groq.com/openai/v1/chat/completions', provider: 'groq' });
    expect(at(registry, '/v1/chat/completions', 'groq')).toMatchObject({ name: 'groq' });
    expect(at(registry, '/c/chat-1/u/groq/v1/chat/completions')).toMatchObject({ name: 'groq' });
    expect(at(registry, '/u/gemini/v1/chat/completions')).toMatchObject({ url: 'https://generativelanguage.googleapis.com/v1beta/openai/chat/completions' });
    expect(at(registry, '/v1beta/models/gemini-2.5-flash:generateContent')).toEqual({ name: 'gemini', url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent', provider: 'google' });
    expect(at(registry, '/openai/deployments/bot/chat/completions?api-version=2024-10-21')).toMatchObject({ name: 'azure', url: 'https://acme.openai.azure.com/openai/deployments/bot/chat/completions?api-version=2024-10-21' });
    expect(at(registry, '/v1/messages')).toMatchObject({ name: 'anthropic', url: 'https://api.anthropic.com/v1/messages' });
    expect(() => at(registry, '/u/vertex/v1beta/models/gemini-2.5-flash:generateContent')).toThrow('No upstream is named vertex; the known ones are openai, groq, gemini, azure, anthropic.');
  });

  it('a Vertex AI upstream as the README gives it takes Vertex paths, recorded as google-vertex, and leaves Gemini paths to Google', () => {
    expect(readme).toContain('`vertex=https://us-central1-aiplatform.googleapis.com`');
    const { registry } = registryOf(`${exported!},vertex=https://us-central1-aiplatform.googleapis.com`);
    const path = '/v1beta1/projects/acme/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent';
    expect(at(registry, path)).toEqual({ name: 'vertex', url: `https://us-central1-aiplatform.googleapis.com${path}`, provider: 'google-vertex' });
    expect(at(registry, '/v1beta/models/gemini-2.5-flash:generateContent')).toMatchObject({ name: 'gemini', provider: 'google' });
  });
});
