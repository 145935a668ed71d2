import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCallTelemetry } from '../../src/telemetry/call-telemetry.js';
import { chatCall } from './calls.js';
import { inMemoryOtel, type InMemoryOtel } from './in-memory-otel.js';

let otel: InMemoryOtel;
let record: ReturnType<typeof createCallTelemetry>;
beforeEach(() => {
  otel = inMemoryOtel();
  record = createCallTelemetry({
    tracer: otel.tracerProvider.getTracer('test'),
    meter: otel.meterProvider.getMeter('test'),
    serverAddress: (call) => ({ address: (call as { upstream?: string | null }).upstream === 'azure' ? 'acme.openai.azure.com' : 'generativelanguage.googleapis.com', port: 443 }),
  });
});
afterEach(async () => otel.shutdown());

describe('spans of calls to several upstreams', () => {
  it('name the upstream (cpr.upstream), and Azure OpenAI by its own well-known provider name', () => {
    record(chatCall({ upstream: 'azure', upstreamProvider: 'azure', responseModel: 'gpt-4o-2024-11-20' }));
    const [span] = otel.spans();
    expect(span!.attributes).toMatchObject({
      'gen_ai.provider.name': 'azure.ai.openai',
      'cpr.upstream': 'azure',
      'server.address': 'acme.openai.azure.com',
      'gen_ai.response.model': 'gpt-4o-2024-11-20',
    });
  });

  it("name Gemini's native API gcp.gemini and its operation generate_content", () => {
    record(chatCall({ provider: 'gemini', operation: 'generate_content', upstream: 'gemini', upstreamProvider: 'google', requestModel: null, responseModel: 'gemini-2.5-flash' }));
    const [span] = otel.spans();
    expect(span!.name).toBe('generate_content gemini-2.5-flash');
    expect(span!.attributes).toMatchObject({ 'gen_ai.provider.name': 'gcp.gemini', 'gen_ai.operation.name': 'generate_content', 'cpr.upstream': 'gemini' });
  });

  it("name an OpenAI-compatible upstream by the conventions' own value where it has one (groq, x_ai, gcp.gemini), else by its wire format", () => {
    const names = [['groq', 'groq'], ['x-ai', 'x_ai'], ['google', 'gcp.gemini'], ['openrouter', 'openai'], [null, 'openai']] as const;
    for (const [upstreamProvider, name] of names) record(chatCall({ upstreamProvider }));
    expect(otel.spans().map((span) => span.attributes['gen_ai.provider.name'])).toEqual(names.map(([, name]) => name));
  });

  it('leave cpr.upstream out for a call recorded in process (no upstream)', () => {
    record(chatCall());
    expect(otel.spans()[0]!.attributes['cpr.upstream']).toBeUndefined();
  });
});
