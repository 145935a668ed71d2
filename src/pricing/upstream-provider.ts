import { findProvider } from '@pydantic/genai-prices';

/** What a provider id set by hand may look like: `openai`, `x-ai`, `self-hosted`. */
export const PROVIDER_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * The company whose API an upstream is: the one set by hand, else the `@pydantic/genai-prices`
 * provider whose API URL pattern matches the upstream's URL (`https://api.groq.com/openai/v1` is
 * `groq`); `null` when neither says (a local server). A property of each upstream.
 *
 * @example
 * upstreamProviderOf({ url: 'https://api.cerebras.ai/v1' }) // 'cerebras'
 * upstreamProviderOf({ url: 'http://127.0.0.1:9000/v1' })  // null
 */
export function upstreamProviderOf(options: { url: string; explicit?: string | null | undefined }): string | null {
  if (options.explicit) return options.explicit;
  try {
    return findProvider({ providerApiUrl: options.url })?.id ?? null;
  } catch {
    return null;
  }
}
