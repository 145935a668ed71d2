import { anthropicError, openaiError } from './errors.js';
import type { Endpoint, EndpointAnswer, Provider } from './endpoint.js';
import { messagesEndpoint } from './anthropic-messages.js';
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

const ROUTES: Readonly<Record<string, Endpoint>> = {
  'POST /v1/chat/completions': chatCompletionsEndpoint,
  'POST /v1/responses': responsesEndpoint,
  'POST /v1/embeddings': embeddingsEndpoint,
  'POST /v1/completions': completionsEndpoint,
  'POST /v1/messages': messagesEndpoint,
  'GET /v1/models': listModelsEndpoint,
};

/** The endpoint that answers `method pathname`, or `undefined` for an unknown route. */
export function routeFor(method: string, pathname: string): Endpoint | undefined {
  const exact = ROUTES[`${method} ${pathname}`];
  if (exact) return exact;
  if (method === 'GET' && pathname.startsWith('/v1/models/')) return retrieveModelEndpoint(decodeURIComponent(pathname.slice('/v1/models/'.length)));
  return undefined;
}

/** The provider whose error shape a request gets: Anthropic for `/v1/messages`, else OpenAI. */
export function providerFor(pathname: string): Provider {
  return pathname === '/v1/messages' ? 'anthropic' : 'openai';
}

/** OpenAI's 404 for a route it does not have, e.g. `Invalid URL (POST /v1/nope)`. */
export function unknownRouteBody(method: string, pathname: string): unknown {
  return openaiError({ message: `Invalid URL (${method} ${pathname})`, type: 'invalid_request_error' });
}

/** The 400 for a request without a `model`, in the provider's shape. */
export function missingModelBody(provider: Provider, requestId: string): unknown {
  if (provider === 'anthropic') return anthropicError({ type: 'invalid_request_error', message: 'model: Field required', requestId });
  return openaiError({ message: 'you must provide a model parameter', type: 'invalid_request_error' });
}
