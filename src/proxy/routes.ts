import type { Operation, Provider } from '../usage/types.js';

/** Where a proxied request goes and whether it is recorded. */
export interface ProxyRoute {
  /** From a `/c/{conversationId}/v1/...` path, for clients that can only set a base URL. */
  conversationId: string | null;
  provider: Provider;
  /** The recorded operation, or `null` for a path passed through unrecorded. */
  operation: Operation | null;
  /** The path after `/v1`, query included: `/chat/completions?x=1`. */
  subpath: string;
}

const OPENAI_OPERATIONS: Record<string, Operation> = {
  '/chat/completions': 'chat',
  '/responses': 'responses',
  '/embeddings': 'embeddings',
  '/completions': 'completions',
};

const CONVERSATION_PREFIX = /^\/c\/([^/]+)(\/v1(?:\/.*)?)$/;

/**
 * Classifies a request URL. Returns `null` for paths the proxy does not serve.
 * `POST /v1/messages` and any request carrying `anthropic-version` go to the Anthropic upstream.
 */
export function matchRoute(method: string, url: string, headers: Record<string, unknown>): ProxyRoute | null {
  const queryAt = url.indexOf('?');
  let path = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = queryAt === -1 ? '' : url.slice(queryAt);
  let conversationId: string | null = null;
  const prefixed = CONVERSATION_PREFIX.exec(path);
  if (prefixed) {
    conversationId = safeDecode(prefixed[1]!);
    path = prefixed[2]!;
  }
  if (path !== '/v1' && !path.startsWith('/v1/')) return null;
  const subpath = path.slice(3);
  const isMessages = subpath === '/messages';
  const provider: Provider = isMessages || headers['anthropic-version'] !== undefined ? 'anthropic' : 'openai';
  let operation: Operation | null = null;
  if (method === 'POST') operation = isMessages ? 'messages' : provider === 'openai' ? OPENAI_OPERATIONS[subpath] ?? null : null;
  return { conversationId, provider, operation, subpath: subpath + query };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
