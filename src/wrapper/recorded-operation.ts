import type { Operation } from '../usage/types.js';

/** The recorded endpoints, by the last segments of their path, longest first (`/chat/completions` before `/completions`). */
const RECORDED_PATHS: ReadonlyArray<readonly [string, Operation]> = [
  ['/chat/completions', 'chat'],
  ['/completions', 'completions'],
  ['/responses', 'responses'],
  ['/embeddings', 'embeddings'],
];

/**
 * The operation a request of the OpenAI client is, or `null` when it is not recorded. Matches
 * `POST {baseURL}/chat/completions`, `/responses`, `/embeddings` and `/completions` by the end of
 * the path, so that a client with any base URL (a gateway, Azure's `/deployments/{name}`, a
 * client derived with `withOptions({ baseURL })`) is recorded the same way. The OpenAI API has no
 * other `POST` path ending so.
 */
export function recordedOperation(method: string, url: string): Operation | null {
  if (method.toUpperCase() !== 'POST') return null;
  let path: string;
  try {
    path = new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return null;
  }
  for (const [suffix, operation] of RECORDED_PATHS) if (path.endsWith(suffix)) return operation;
  return null;
}
