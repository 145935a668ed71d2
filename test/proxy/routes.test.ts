import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../src/proxy/routes.js';
import { servingProvider, targetUrl, upstreamRoot, UpstreamRegistry } from '../../src/proxy/upstream-registry.js';

describe('matchRoute', () => {
  it('reads /u/{upstream} and /c/{conversation} in either order, before any family of paths', () => {
    for (const url of ['/u/groq/c/conv%201/v1/chat/completions', '/c/conv%201/u/groq/v1/chat/completions']) {
      expect(matchRoute('POST', url, {}), url).toMatchObject({ upstreamName: 'groq', conversationId: 'conv 1', api: 'v1', operation: 'chat', subpath: '/chat/completions' });
    }
    expect(matchRoute('POST', '/u/a/u/b/v1/chat/completions', {})).toBeNull();
  });

  it("classifies Gemini's own paths, v1 and v1beta, streamed by path; countTokens passes through unrecorded", () => {
    expect(matchRoute('POST', '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', {})).toMatchObject({
      provider: 'gemini', api: 'gemini', operation: 'generate_content', streamByPath: true, subpath: '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
      pathModel: 'gemini-2.5-flash',
    });
    expect(matchRoute('POST', '/v1/models/gemini-2.5-flash:generateContent', {})).toMatchObject({ provider: 'gemini', operation: 'generate_content', streamByPath: false });
    expect(matchRoute('POST', '/v1beta/models/gemini-2.5-flash:countTokens', {})).toMatchObject({ provider: 'gemini', operation: null });
    expect(matchRoute('POST', '/v1beta/models/text-embedding-004:batchEmbedContents', {})).toMatchObject({ operation: 'embeddings' });
    expect(matchRoute('GET', '/v1beta/models', {})).toMatchObject({ provider: 'gemini', operation: null });
    // A tuned model keeps its prefix: its id names no base model.
    expect(matchRoute('POST', '/v1beta/tunedModels/support-bot-v2:generateContent', {})).toMatchObject({ operation: 'generate_content', pathModel: 'tunedModels/support-bot-v2' });
    // OpenAI's model retrieval stays OpenAI's.
    expect(matchRoute('GET', '/v1/models/gpt-4o', {})).toMatchObject({ provider: 'openai', api: 'v1', operation: null });
  });

  it("classifies Azure's paths, and refuses stream_options only to classic api-versions before 2024-09-01", () => {
    const route = (url: string) => matchRoute('POST', url, {});
    expect(route('/openai/deployments/bot/chat/completions?api-version=2024-10-21')).toMatchObject({ api: 'azure', provider: 'openai', operation: 'chat', acceptsStreamOptions: true });
    expect(route('/openai/deployments/bot/chat/completions?api-version=2024-06-01')).toMatchObject({ operation: 'chat', acceptsStreamOptions: false });
    expect(route('/openai/deployments/bot/chat/completions?api-version=2025-04-01-preview')).toMatchObject({ acceptsStreamOptions: true });
    expect(route('/openai/deployments/emb/embeddings?api-version=2024-10-21')).toMatchObject({ operation: 'embeddings' });
    expect(route('/openai/deployments/old/completions?api-version=2024-10-21')).toMatchObject({ operation: 'completions' });
    expect(route('/openai/responses?api-version=2025-03-01-preview')).toMatchObject({ operation: 'responses' });
    expect(route('/openai/v1/chat/completions')).toMatchObject({ operation: 'chat', acceptsStreamOptions: true });
    expect(route('/openai/deployments/img/images/generations?api-version=2024-10-21')).toMatchObject({ api: 'azure', operation: null });
  });
});

describe('upstream URLs', () => {
  it("strips the API path from an upstream's URL for Gemini's and Azure's own paths", () => {
    expect(upstreamRoot('https://generativelanguage.googleapis.com/v1beta/openai/')).toBe('https://generativelanguage.googleapis.com');
    expect(upstreamRoot('https://acme.openai.azure.com/openai/v1')).toBe('https://acme.openai.azure.com');
    expect(upstreamRoot('https://acme.openai.azure.com/openai')).toBe('https://acme.openai.azure.com');
    expect(upstreamRoot('https://gateway.example/google')).toBe('https://gateway.example/google');
  });

  it('sends each family to its default upstream unless one is named', () => {
    const registry = new UpstreamRegistry({
      upstreams: [
        { name: 'openai', url: 'https://api.openai.com/v1', provider: 'openai', apiKey: undefined },
        { name: 'gemini', url: 'https://generativelanguage.googleapis.com/v1beta/openai', provider: 'google', apiKey: undefined },
        { name: 'azure', url: 'https://acme.openai.azure.com/openai/v1', provider: 'azure', apiKey: undefined },
      ],
      anthropic: { url: 'https://api.anthropic.com', provider: 'anthropic', apiKey: undefined },
    });
    const go = (url: string, header?: string) => {
      const route = matchRoute('POST', url, {})!;
      return targetUrl(registry.select(route, header), route);
    };
    expect(go('/v1/chat/completions')).toBe('https://api.openai.com/v1/chat/completions');
    expect(go('/v1/messages')).toBe('https://api.anthropic.com/v1/messages');
    expect(go('/v1beta/models/gemini-2.5-flash:generateContent')).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent');
    expect(go('/openai/deployments/bot/chat/completions?api-version=2024-10-21')).toBe('https://acme.openai.azure.com/openai/deployments/bot/chat/completions?api-version=2024-10-21');
    // Named: Gemini's OpenAI-compatible endpoint, and Anthropic by name.
    expect(go('/u/gemini/v1/chat/completions')).toBe('https://generativelanguage.googleapis.com/v1beta/openai/chat/completions');
    expect(go('/v1/chat/completions', 'azure')).toBe('https://acme.openai.azure.com/openai/v1/chat/completions');
    expect(() => go('/u/nope/v1/chat/completions')).toThrow('No upstream is named nope; the known ones are openai, gemini, azure, anthropic.');
  });

  it("sends Vertex AI's paths to the Vertex upstream, Gemini's to Google's, whichever comes first, and records them as google-vertex", () => {
    const registry = new UpstreamRegistry({
      upstreams: [
        { name: 'openai', url: 'https://api.openai.com/v1', provider: 'openai', apiKey: undefined },
        // genai-prices matches Vertex's hosts as google: the host tells them apart.
        { name: 'vertex', url: 'https://us-central1-aiplatform.googleapis.com/v1', provider: 'google', apiKey: undefined },
        { name: 'gemini', url: 'https://generativelanguage.googleapis.com/v1beta', provider: 'google', apiKey: undefined },
      ],
      anthropic: { url: 'https://api.anthropic.com', provider: 'anthropic', apiKey: undefined },
    });
    const at = (url: string) => {
      const route = matchRoute('POST', url, {})!;
      const upstream = registry.select(route, undefined);
      return { url: targetUrl(upstream, route), provider: servingProvider(upstream, route) };
    };
    const vertexPath = '/v1/projects/acme/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent';
    expect(at(vertexPath)).toEqual({ url: `https://us-central1-aiplatform.googleapis.com${vertexPath}`, provider: 'google-vertex' });
    expect(at('/v1beta/models/gemini-2.5-flash:generateContent')).toEqual({ url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent', provider: 'google' });
    expect(at('/v1/chat/completions')).toEqual({ url: 'https://api.openai.com/v1/chat/completions', provider: 'openai' });
  });
});

describe("Vertex AI's paths", () => {
  it('records generateContent and its stream, with and without a project, v1 and v1beta1; passes the rest through', () => {
    expect(matchRoute('POST', '/v1beta1/projects/acme/locations/us-central1/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse', {})).toMatchObject({
      provider: 'gemini', api: 'vertex', operation: 'generate_content', streamByPath: true, pathModel: 'gemini-2.5-flash',
      subpath: '/v1beta1/projects/acme/locations/us-central1/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    });
    expect(matchRoute('POST', '/v1/publishers/google/models/gemini-2.0-flash-001:generateContent', {})).toMatchObject({ api: 'vertex', operation: 'generate_content', streamByPath: false, pathModel: 'gemini-2.0-flash-001' });
    expect(matchRoute('POST', '/c/conv-1/v1/projects/p/locations/global/publishers/google/models/gemini-2.5-flash:generateContent', {})).toMatchObject({ api: 'vertex', conversationId: 'conv-1' });
    // Another body format (embeddings' :predict, Claude's :rawPredict), tokens counted: passed through unrecorded.
    expect(matchRoute('POST', '/v1/projects/p/locations/l/publishers/google/models/text-embedding-005:predict', {})).toMatchObject({ api: 'vertex', operation: null });
    expect(matchRoute('POST', '/v1/projects/p/locations/l/publishers/anthropic/models/claude-sonnet-4:rawPredict', {})).toMatchObject({ api: 'vertex', operation: null });
    expect(matchRoute('POST', '/v1beta1/projects/p/locations/l/publishers/google/models/gemini-2.5-flash:countTokens', {})).toMatchObject({ api: 'vertex', operation: null });
    // OpenAI's paths stay OpenAI's.
    expect(matchRoute('POST', '/v1/chat/completions', {})).toMatchObject({ api: 'v1', provider: 'openai' });
  });
});
