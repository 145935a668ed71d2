import { anthropicError, azureError, geminiError, openaiError } from './errors.js';
import type { Endpoint, EndpointAnswer, Provider } from './endpoint.js';
import { messagesEndpoint } from './anthropic-messages.js';
import { azureEndpoint } from './azure-openai.js';
import { countTokensEndpoint, generateContentEndpoint, streamGenerateContentEndpoint } from './gemini-generate.js';
import { batchEmbedContentsEndpoint, embedContentEndpoint } from './gemini-embed.js';
import { LISTED_MODELS } from './models.js';
import { chatCompletionsEndpoint } from './openai-chat.js';
import { completionsEndpoint } from './openai-completions.js';
import { embeddingsEndpoint } from './openai-embeddings.js';
import { responsesEndpoint } from './openai-responses.js';

const modelObject = (m: (typeof LISTED_MODELS)[number]): unknown => ({ id: m.id, object: 'model', created: m.created, owned_by: m.owned_by });

const listModelsEndpoint: Endpoint = {
  provider: 'openai',
  handle: () => ({ kind: 'json', status: 200, body: { object: 'list', data: LISTED_MODELS.map(modelObject) } }),
};

function retrieveModelEndpoint(id: string): Endpoint {
  return {
    provider: 'openai',
    handle(): EndpointAnswer {
      const model = LISTED_MODELS.find((m) => m.id === id);
      if (model) return { kind: 'json', status: 200, body: modelObject(model) };
      const message = `The model '${id}' does not exist`;
      return { kind: 'json', status: 404, body: openaiError({ message, type: 'invalid_request_error', param: 'model', code: 'model_not_found' }) };
    },
  };
}

/** The OpenAI operations, by their path after `/v1` (Azure serves the same under `/openai/v1`). */
const OPENAI_OPERATIONS: Readonly<Record<string, Endpoint>> = {
  'POST /chat/completions': chatCompletionsEndpoint,
  'POST /responses': responsesEndpoint,
  'POST /embeddings': embeddingsEndpoint,
  'POST /completions': completionsEndpoint,
  'GET /models': listModelsEndpoint,
};

const AZURE_OPERATIONS: Readonly<Record<string, Endpoint>> = Object.fromEntries(
  Object.entries(OPENAI_OPERATIONS).map(([key, endpoint]) => [key, azureEndpoint(endpoint)]),
);

const GEMINI_METHODS: Readonly<Record<string, Endpoint>> = {
  generateContent: generateContentEndpoint,
  streamGenerateContent: streamGenerateContentEndpoint,
  countTokens: countTokensEndpoint,
  embedContent: embedContentEndpoint,
  batchEmbedContents: batchEmbedContentsEndpoint,
};

/** A route found for a request: its endpoint and the values taken from its path. */
export interface MatchedRoute {
  endpoint: Endpoint;
  params: Record<string, string>;
}

const GEMINI_PATH = /^\/(?:v1beta|v1)\/models\/([^/:]+):([A-Za-z]+)$/;
// Vertex AI's Gemini models speak the Gemini API's body format at their own paths: with a
// project and location (OAuth), or express mode's `publishers/...` alone (an API key).
const VERTEX_PATH = /^\/(?:v1|v1beta1)\/(?:projects\/[^/]+\/locations\/[^/]+\/)?publishers\/google\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;
const AZURE_DEPLOYMENT_PATH = /^\/openai\/deployments\/([^/]+)(\/.+)$/;

/**
 * The endpoint that answers `method pathname`, or `undefined` for an unknown route: OpenAI's
 * `/v1/...`, Anthropic's `/v1/messages`, Gemini's `/v1beta/models/{model}:{method}`, Vertex AI's
 * `/{v1,v1beta1}/projects/{p}/locations/{l}/publishers/google/models/{model}:{method}`, Azure
 * OpenAI's `/openai/deployments/{deployment}/{operation}`, `/openai/responses` and `/openai/v1/...`.
 */
export function routeFor(method: string, pathname: string): MatchedRoute | undefined {
  const fixed = (endpoint: Endpoint | undefined, params: Record<string, string> = {}): MatchedRoute | undefined => (endpoint ? { endpoint, params } : undefined);
  if (method === 'POST' && pathname === '/v1/messages') return fixed(messagesEndpoint);
  const vertex = VERTEX_PATH.exec(pathname);
  if (vertex && method === 'POST') return fixed(GEMINI_METHODS[vertex[2]], { model: decodeURIComponent(vertex[1]) });
  if (pathname.startsWith('/v1/') && !GEMINI_PATH.test(pathname)) {
    if (method === 'GET' && pathname.startsWith('/v1/models/')) return fixed(retrieveModelEndpoint(decodeURIComponent(pathname.slice('/v1/models/'.length))));
    return fixed(OPENAI_OPERATIONS[`${method} ${pathname.slice('/v1'.length)}`]);
  }
  const gemini = GEMINI_PATH.exec(pathname);
  if (gemini && method === 'POST') return fixed(GEMINI_METHODS[gemini[2]], { model: decodeURIComponent(gemini[1]) });
  if (pathname.startsWith('/openai/v1/')) return fixed(AZURE_OPERATIONS[`${method} ${pathname.slice('/openai/v1'.length)}`]);
  if (method === 'POST' && pathname === '/openai/responses') return fixed(AZURE_OPERATIONS['POST /responses']);
  const azure = AZURE_DEPLOYMENT_PATH.exec(pathname);
  if (azure && azure[2] !== '/responses') return fixed(AZURE_OPERATIONS[`${method} ${azure[2]}`], { deployment: decodeURIComponent(azure[1]) });
  return undefined;
}

/** The provider whose error shape a request gets, from its path. */
export function providerFor(pathname: string): Provider {
  if (pathname === '/v1/messages') return 'anthropic';
  if (pathname.startsWith('/openai/')) return 'azure';
  if (pathname.startsWith('/v1beta/') || pathname.includes(':')) return 'gemini';
  return 'openai';
}

/** The 404 for a route the provider does not have, e.g. OpenAI's `Invalid URL (POST /v1/nope)`. */
export function unknownRouteBody(provider: Provider, method: string, pathname: string): unknown {
  if (provider === 'gemini') return geminiError({ status: 404, message: `Method not found: ${method} ${pathname}` });
  if (provider === 'azure') return azureError({ code: '404', message: 'Resource not found' });
  return openaiError({ message: `Invalid URL (${method} ${pathname})`, type: 'invalid_request_error' });
}

/** The 400 for a request without a `model`, in the provider's shape. */
export function missingModelBody(provider: Provider, requestId: string): unknown {
  if (provider === 'anthropic') return anthropicError({ type: 'invalid_request_error', message: 'model: Field required', requestId });
  return openaiError({ message: 'you must provide a model parameter', type: 'invalid_request_error' });
}
