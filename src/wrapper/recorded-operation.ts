import type { Operation } from '../usage/types.js';

/** The recorded endpoints, by the last segments of their path, longest first (`/chat/completions` before `/completions`). */
const RECORDED_PATHS: ReadonlyArray<readonly [string, Operation]> = [
  ['/chat/completions', 'chat'],
  ['/completions', 'completions'],
  ['/responses', 'responses'],
  ['/embeddings', 'embeddings'],
];

/** The operations of the URLs seen lately: parsing a URL costs more than the rest of this check. */
const known = new Map<string, Operation | null>();
const KNOWN_LIMIT = 256;

/**
 * The operation a request of the OpenAI client is, or `null` when it is not recorded. Matches
 * `POST {baseURL}/chat/completions`, `/responses`, `/embeddings` and `/completions` by the end of
 * the path, so that a client with any base URL (a gateway, Azure's `/deployments/{name}`, a
 * client derived with `withOptions({ baseURL })`) is recorded the same way. The OpenAI API has no
 * other `POST` path ending so.
 */
export function recordedOperation(method: string, url: string): Operation | null {
  if (method.toUpperCase() !== 'POST') return null;
  let operation = known.get(url);
  if (operation === undefined) {
    operation = operationOf(url);
    // A client calls a handful of URLs (a query string may vary): remember them, within bounds.
    if (known.size >= KNOWN_LIMIT) known.clear();
    known.set(url, operation);
  }
  return operation;
}

function operationOf(url: string): Operation | null {
  let path: string;
  try {
    path = new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return null;
  }
  for (const [suffix, operation] of RECORDED_PATHS) if (path.endsWith(suffix)) return operation;
  return null;
}
