import { findProvider } from '@pydantic/genai-prices';
import { PROVIDER_ID } from '../pricing/upstream-provider.js';
import type { Operation, Provider } from '../usage/types.js';

/** Who served an AI SDK model's calls, and what each call is, as the ledger names them. */
export interface ProviderIdentity {
  /** The wire format: `anthropic` for Anthropic's Messages API (Anthropic, Vertex), `gemini` for Google's Gemini API (Google, Vertex), else `openai`. */
  provider: Provider;
  /** The company whose API serves the calls, as `@pydantic/genai-prices` names it; `null` when unknown. */
  upstreamProvider: string | null;
  operation: Operation;
}

/**
 * AI SDK provider ids (`model.provider`, before the API: `google.vertex` of `google.vertex.chat`)
 * whose company is not their first word, longest first.
 */
const UPSTREAMS: ReadonlyArray<readonly [string, string]> = [
  ['google.vertex.anthropic', 'google-vertex'],
  ['vertex.anthropic', 'google-vertex'],
  ['google.vertex', 'google-vertex'],
  ['google.generative-ai', 'google'],
  ['amazon-bedrock', 'aws'],
  ['bedrock', 'aws'],
  ['xai', 'x-ai'],
  ['togetherai', 'together'],
];

/** Google's own providers (the Gemini API, Vertex AI's Gemini), which speak Gemini's `generateContent`. */
const isGemini = (id: string) => id.startsWith('google.') && !id.includes('anthropic');

/** The API a provider id ends with, when it names the operation. */
function operationOf(id: string, embedding: boolean): Operation {
  if (embedding) return 'embeddings';
  if (isGemini(id)) return 'generate_content';
  if (id.endsWith('.responses')) return 'responses';
  if (id.endsWith('.completion')) return 'completions';
  if (id.endsWith('.messages')) return 'messages';
  return 'chat';
}

/** The company of a provider id: the table above, else its first word when `@pydantic/genai-prices` knows it (`groq.chat` is `groq`). */
function upstreamOf(id: string): string | null {
  for (const [prefix, upstream] of UPSTREAMS) if (id === prefix || id.startsWith(`${prefix}.`)) return upstream;
  const first = id.split('.')[0] ?? '';
  if (!PROVIDER_ID.test(first)) return null;
  try {
    return findProvider({ providerId: first })?.id ?? null;
  } catch {
    return null;
  }
}

/**
 * The ledger's names for an AI SDK model's calls, from the model's provider id: `openai.chat` and
 * `openai.responses` are OpenAI's chat and responses, `anthropic.messages` Anthropic's messages,
 * `google.generative-ai` Google's Gemini API (`generate_content`), `google.vertex.*` Vertex AI, `amazon-bedrock` AWS
 * Bedrock, `azure.*` Azure; any other provider id by its first word when the price database
 * knows it (`groq.chat`, `mistral.chat`, `deepseek.chat`), else unknown (`null`, priced by the
 * model's name alone). `explicit` (the middleware's option) wins. Pure.
 *
 * @example
 * providerIdentity({ providerId: 'anthropic.messages' })
 * // { provider: 'anthropic', upstreamProvider: 'anthropic', operation: 'messages' }
 */
export function providerIdentity(options: { providerId: string; embedding?: boolean; explicit?: string | undefined }): ProviderIdentity {
  const id = options.providerId.toLowerCase();
  const operation = operationOf(id, options.embedding === true);
  return {
    provider: operation === 'messages' ? 'anthropic' : isGemini(id) ? 'gemini' : 'openai',
    upstreamProvider: options.explicit ?? upstreamOf(id),
    operation,
  };
}
