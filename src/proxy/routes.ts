import { geminiModelName } from '../usage/gemini-model-name.js';
import type { Operation, Provider } from '../usage/types.js';

/** Which family of paths a request came by: it decides the default upstream and how its URL is built. */
export type ApiFamily = 'v1' | 'gemini' | 'vertex' | 'azure';

/** Where a proxied request goes and whether it is recorded. */
export interface ProxyRoute {
  /** From a `/c/{conversationId}/...` path, for clients that can only set a base URL. */
  conversationId: string | null;
  /** From a `/u/{name}/...` path; `null`: the `x-cpr-upstream` header or the default decides. */
  upstreamName: string | null;
  /** The wire format. */
  provider: Provider;
  api: ApiFamily;
  /** The recorded operation, or `null` for a path passed through unrecorded. */
  operation: Operation | null;
  /**
   * The path the upstream is asked for, query included: after `/v1` for the `v1` family
   * (`/chat/completions?x=1`), whole for Gemini's and Azure's (`/v1beta/models/m:generateContent`).
   */
  subpath: string;
  /** True when the path itself asks for a stream (Gemini's `:streamGenerateContent`). */
  streamByPath: boolean;
  /** Whether the upstream accepts `stream_options` (not Azure's classic paths before `api-version=2024-09-01`). */
  acceptsStreamOptions: boolean;
  /**
   * The model named in the path (Gemini's `models/{model}:...`, as `{model}`; a tuned model as
   * `tunedModels/{id}`), which its body does not repeat or repeats with a prefix; else `null`.
   */
  pathModel: string | null;
}

const OPENAI_OPERATIONS: Record<string, Operation> = {
  '/chat/completions': 'chat',
  '/responses': 'responses',
  '/embeddings': 'embeddings',
  '/completions': 'completions',
};

const GEMINI_OPERATIONS: Record<string, Operation> = {
  generateContent: 'generate_content',
  streamGenerateContent: 'generate_content',
  embedContent: 'embeddings',
  batchEmbedContents: 'embeddings',
};

const PREFIX = /^\/([uc])\/([^/]+)(\/.*)$/;
const GEMINI_METHOD = /^\/v1(?:beta|alpha)?\/((?:models|tunedModels)\/[^/:]+):([A-Za-z]+)$/;
const GEMINI_ROOT = /^\/v1(?:beta|alpha)(?:\/|$)/;
const AZURE_DEPLOYMENT = /^\/openai\/deployments\/[^/]+(\/.+)$/;
/**
 * Vertex AI's Gemini models: `/{v1,v1beta1}/projects/{p}/locations/{l}/publishers/google/models/{m}:{method}`,
 * and express mode's `/{v1,v1beta1}/publishers/google/models/{m}:{method}` (an API key, no project).
 */
const VERTEX_METHOD = /^\/v1(?:beta1)?\/(?:projects\/[^/]+\/locations\/[^/]+\/)?publishers\/google\/models\/([^/:]+):([A-Za-z]+)$/;
/** Any other Vertex AI path (other publishers, endpoints, tuned models): passed through to the Vertex upstream, unrecorded. */
const VERTEX_ROOT = /^\/v1(?:beta1)?\/(?:projects|publishers)\//;

/** What Vertex AI's Gemini models record: `generateContent` and its stream, Gemini's body format. Its embeddings (`:predict`) have another. */
const VERTEX_OPERATIONS: Record<string, Operation> = {
  generateContent: 'generate_content',
  streamGenerateContent: 'generate_content',
};

/** Azure's first api-version with `stream_options` (GA 2024-10-21; preview since 2024-09-01-preview). */
const AZURE_STREAM_OPTIONS_SINCE = '2024-09-01';

/**
 * Classifies a request URL. Returns `null` for paths the proxy does not serve. Served: `/v1/...`
 * (OpenAI-compatible; `POST /v1/messages` and any request carrying `anthropic-version` are
 * Anthropic's), Gemini's `/v1beta/...` and `/v1/models/{model}:{method}`, Vertex AI's
 * `/{v1,v1beta1}/projects/...` and `/{v1,v1beta1}/publishers/...`, and Azure OpenAI's
 * `/openai/...`; each may follow `/u/{upstream}` and `/c/{conversationId}`, in either order.
 */
export function matchRoute(method: string, url: string, headers: Record<string, unknown>): ProxyRoute | null {
  const queryAt = url.indexOf('?');
  let path = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = queryAt === -1 ? '' : url.slice(queryAt);
  let conversationId: string | null = null;
  let upstreamName: string | null = null;
  for (let prefix = PREFIX.exec(path); prefix; prefix = PREFIX.exec(path)) {
    if (prefix[1] === 'u' && upstreamName === null) upstreamName = safeDecode(prefix[2]!);
    else if (prefix[1] === 'c' && conversationId === null) conversationId = safeDecode(prefix[2]!);
    else break;
    path = prefix[3]!;
  }
  // Each route is one literal: spreading a shared base into it costs microseconds on Node 20,
  // paid by every proxied request (measured: ~6 µs a spread, ~0.1 µs a literal).
  // Vertex AI's paths start with `/v1/` too: they are matched first.
  if (path.startsWith('/v1/p') || path.startsWith('/v1beta1/')) {
    const vertex = VERTEX_METHOD.exec(path);
    if (vertex || VERTEX_ROOT.test(path)) {
      const operation = method === 'POST' && vertex ? VERTEX_OPERATIONS[vertex[2]!] ?? null : null;
      return {
        conversationId, upstreamName, provider: 'gemini', api: 'vertex', operation, subpath: path + query,
        streamByPath: vertex?.[2] === 'streamGenerateContent', acceptsStreamOptions: true, pathModel: vertex ? safeDecode(vertex[1]!) : null,
      };
    }
  }
  const gemini = GEMINI_METHOD.exec(path);
  if (gemini || GEMINI_ROOT.test(path)) {
    const operation = method === 'POST' && gemini ? GEMINI_OPERATIONS[gemini[2]!] ?? null : null;
    return {
      conversationId, upstreamName, provider: 'gemini', api: 'gemini', operation, subpath: path + query,
      streamByPath: gemini?.[2] === 'streamGenerateContent', acceptsStreamOptions: true, pathModel: gemini ? geminiModelName(safeDecode(gemini[1]!)) : null,
    };
  }
  if (path.startsWith('/openai/')) {
    const version = new URLSearchParams(query).get('api-version') ?? '';
    return {
      conversationId, upstreamName, provider: 'openai', api: 'azure', operation: method === 'POST' ? azureOperation(path) : null, subpath: path + query,
      streamByPath: false, acceptsStreamOptions: path.startsWith('/openai/v1/') || version >= AZURE_STREAM_OPTIONS_SINCE, pathModel: null,
    };
  }
  if (path !== '/v1' && !path.startsWith('/v1/')) return null;
  const subpath = path.slice(3);
  const isMessages = subpath === '/messages';
  const provider: Provider = isMessages || headers['anthropic-version'] !== undefined ? 'anthropic' : 'openai';
  let operation: Operation | null = null;
  if (method === 'POST') operation = isMessages ? 'messages' : provider === 'openai' ? OPENAI_OPERATIONS[subpath] ?? null : null;
  return { conversationId, upstreamName, provider, api: 'v1', operation, subpath: subpath + query, streamByPath: false, acceptsStreamOptions: true, pathModel: null };
}

/** The operation of an Azure OpenAI path: `/openai/deployments/{d}/{op}`, `/openai/responses`, `/openai/v1/{op}`. */
function azureOperation(path: string): Operation | null {
  const deployment = AZURE_DEPLOYMENT.exec(path);
  if (deployment) return deployment[1] === '/responses' ? null : OPENAI_OPERATIONS[deployment[1]!] ?? null;
  if (path === '/openai/responses') return 'responses';
  if (path.startsWith('/openai/v1/')) return OPENAI_OPERATIONS[path.slice('/openai/v1'.length)] ?? null;
  return null;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
