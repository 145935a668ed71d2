import type { Operation, Provider } from '../usage/types.js';

/** The recorded endpoints of each wire format, by the last segments of their path, longest first (`/chat/completions` before `/completions`). */
const RECORDED_PATHS: Readonly<Record<Provider, ReadonlyArray<readonly [string, Operation]>>> = {
  openai: [
    ['/chat/completions', 'chat'],
    ['/completions', 'completions'],
    ['/responses', 'responses'],
    ['/embeddings', 'embeddings'],
  ],
  // `/messages/count_tokens` and `/messages/batches` end otherwise: counting tokens and batches are not calls.
  anthropic: [['/messages', 'messages']],
  // No Gemini client is wrapped in process (Google's own SDK goes through the proxy, the AI SDK's provider through its middleware).
  gemini: [],
};

/** The operations of the URLs seen lately, per wire format: parsing a URL costs more than the rest of this check. */
const known: Record<Provider, Map<string, Operation | null>> = { openai: new Map(), anthropic: new Map(), gemini: new Map() };
const KNOWN_LIMIT = 256;

/**
 * The operation a request of a client is, or `null` when it is not recorded. For the OpenAI
 * client (the default), matches `POST {baseURL}/chat/completions`, `/responses`, `/embeddings`
 * and `/completions` by the end of the path, so that a client with any base URL (a gateway,
 * Azure's `/deployments/{name}`, a client derived with `withOptions({ baseURL })`) is recorded
 * the same way; the OpenAI API has no other `POST` path ending so. For the Anthropic client,
 * `POST {baseURL}/v1/messages` (`?beta=true` included).
 */
export function recordedOperation({ method, url, provider = 'openai' }: { method: string; url: string; provider?: Provider }): Operation | null {
  if (method.toUpperCase() !== 'POST') return null;
  const seen = known[provider];
  let operation = seen.get(url);
  if (operation === undefined) {
    operation = operationOf(url, provider);
    // A client calls a handful of URLs (a query string may vary): remember them, within bounds.
    if (seen.size >= KNOWN_LIMIT) seen.clear();
    seen.set(url, operation);
  }
  return operation;
}

function operationOf(url: string, provider: Provider): Operation | null {
  let path: string;
  try {
    path = new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return null;
  }
  for (const [suffix, operation] of RECORDED_PATHS[provider]) if (path.endsWith(suffix)) return operation;
  return null;
}
