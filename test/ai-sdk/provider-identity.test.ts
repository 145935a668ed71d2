import { describe, expect, it } from 'vitest';
import { providerIdentity } from '../../src/ai-sdk/provider-identity.js';

describe('providerIdentity(): the ledger\'s names for an AI SDK model\'s provider id', () => {
  it.each([
    ['openai.chat', false, 'openai', 'openai', 'chat'],
    ['openai.responses', false, 'openai', 'openai', 'responses'],
    ['openai.completion', false, 'openai', 'openai', 'completions'],
    ['openai.embedding', true, 'openai', 'openai', 'embeddings'],
    ['anthropic.messages', false, 'anthropic', 'anthropic', 'messages'],
    ['google.generative-ai', false, 'gemini', 'google', 'generate_content'],
    ['google.generative-ai', true, 'gemini', 'google', 'embeddings'],
    ['google.vertex.chat', false, 'gemini', 'google-vertex', 'generate_content'],
    ['google.vertex.embedding', true, 'gemini', 'google-vertex', 'embeddings'],
    ['vertex.anthropic.messages', false, 'anthropic', 'google-vertex', 'messages'],
    ['amazon-bedrock', false, 'openai', 'aws', 'chat'],
    ['azure.chat', false, 'openai', 'azure', 'chat'],
    ['azure.responses', false, 'openai', 'azure', 'responses'],
    ['groq.chat', false, 'openai', 'groq', 'chat'],
    ['mistral.chat', false, 'openai', 'mistral', 'chat'],
    ['xai.chat', false, 'openai', 'x-ai', 'chat'],
    ['togetherai.chat', false, 'openai', 'together', 'chat'],
    ['deepseek.chat', false, 'openai', 'deepseek', 'chat'],
    ['ollama.chat', false, 'openai', null, 'chat'],
    ['my-gateway.chat', false, 'openai', null, 'chat'],
  ])('%s (embedding %s): wire format %s, upstream %s, operation %s', (providerId, embedding, provider, upstreamProvider, operation) => {
    expect(providerIdentity({ providerId, embedding })).toEqual({ provider, upstreamProvider, operation });
  });

  it('the upstream given by hand wins', () => {
    expect(providerIdentity({ providerId: 'openai.chat', explicit: 'openrouter' })).toEqual({ provider: 'openai', upstreamProvider: 'openrouter', operation: 'chat' });
  });
});
