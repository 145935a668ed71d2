import type { Provider } from './endpoint.js';

/** The fields of an OpenAI error, sent as `{"error": {...}}`. */
export interface OpenAiErrorFields {
  message: string;
  type: string;
  param?: string | null;
  code?: string | null;
}

/** An error body in OpenAI's shape: `{"error":{"message","type","param","code"}}`. */
export function openaiError(fields: OpenAiErrorFields): unknown {
  return { error: { message: fields.message, type: fields.type, param: fields.param ?? null, code: fields.code ?? null } };
}

/** An error body in Anthropic's shape: `{"type":"error","error":{"type","message"},"request_id"}`. */
export function anthropicError(fields: { type: string; message: string; requestId: string }): unknown {
  return { type: 'error', error: { type: fields.type, message: fields.message }, request_id: fields.requestId };
}

function openaiDefault(status: number, model: string): OpenAiErrorFields {
  switch (status) {
    case 400:
      return {
        message: `This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.`,
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      };
    case 401:
      return {
        message: 'Incorrect API key provided: sk-****. You can find your API key at https://platform.openai.com/account/api-keys.',
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      };
    case 404:
      return { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', code: 'model_not_found' };
    case 429:
      return {
        message: `Rate limit reached for ${model} in organization org-simulated on tokens per min (TPM): Limit 30000, Used 30000, Requested 512. Please try again in 1.024s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
        type: 'tokens',
        code: 'rate_limit_exceeded',
      };
    case 500:
      return { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error' };
    case 503:
    case 529:
      return { message: 'The engine is currently overloaded, please try again later.', type: 'server_error' };
    default:
      return { message: `Simulated error with status ${status}.`, type: status < 500 ? 'invalid_request_error' : 'server_error' };
  }
}

const ANTHROPIC_DEFAULTS: Readonly<Record<number, { type: string; message: (model: string) => string }>> = {
  400: { type: 'invalid_request_error', message: () => 'prompt is too long: 210000 tokens > 200000 maximum' },
  401: { type: 'authentication_error', message: () => 'invalid x-api-key' },
  403: { type: 'permission_error', message: () => 'Your API key does not have permission to use the specified resource.' },
  404: { type: 'not_found_error', message: (model) => `model: ${model}` },
  413: { type: 'request_too_large', message: () => 'Request exceeds the maximum allowed number of bytes.' },
  429: {
    type: 'rate_limit_error',
    message: () =>
      'This request would exceed the rate limit for your organization of 50,000 input tokens per minute. ' +
      'Please reduce the prompt length or the maximum tokens requested, or try again later.',
  },
  500: { type: 'api_error', message: () => 'Internal server error' },
  529: { type: 'overloaded_error', message: () => 'Overloaded' },
};

/** An error body in Azure OpenAI's own shape (gateway errors): `{"error":{"code","message"}}`. */
export function azureError(fields: { code: string; message: string }): unknown {
  return { error: { code: fields.code, message: fields.message } };
}

const GOOGLE_STATUS: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/**
 * An error body in Google's shape (https://ai.google.dev/gemini-api/docs/troubleshooting):
 * `{"error":{"code":429,"message","status":"RESOURCE_EXHAUSTED"}}`.
 */
export function geminiError(fields: { status: number; message: string }): unknown {
  return { error: { code: fields.status, message: fields.message, status: GOOGLE_STATUS[fields.status] ?? (fields.status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION') } };
}

const GEMINI_DEFAULTS: Readonly<Record<number, (model: string) => string>> = {
  400: () => 'The input token count exceeds the maximum number of tokens allowed (1048576).',
  403: () => 'Method doesn\'t allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.',
  404: (model) => `models/${model} is not found for API version v1beta, or is not supported for generateContent.`,
  429: () => 'You exceeded your current quota, please check your plan and billing details.',
  500: () => 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  503: () => 'The model is overloaded. Please try again later.',
};

const AZURE_DEFAULTS: Readonly<Record<number, (model: string) => { code: string; message: string }>> = {
  401: () => ({
    code: '401',
    message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
  }),
  404: () => ({ code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' }),
  429: () => ({
    code: '429',
    message: 'Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 1 second.',
  }),
};

/** Options of {@link defaultErrorBody}. */
export interface DefaultErrorOptions {
  provider: Provider;
  status: number;
  /** The requested model, which some messages name. */
  model: string;
  /** The request id, which Anthropic repeats in the body. */
  requestId: string;
}

/** The body a real provider sends with `status`, for a script that sets a status but no body. */
export function defaultErrorBody(options: DefaultErrorOptions): unknown {
  const { provider, status, model, requestId } = options;
  if (provider === 'gemini') return geminiError({ status, message: GEMINI_DEFAULTS[status]?.(model) ?? `Simulated error with status ${status}.` });
  if (provider === 'azure' && AZURE_DEFAULTS[status]) return azureError(AZURE_DEFAULTS[status](model));
  if (provider === 'openai' || provider === 'azure') return openaiError(openaiDefault(status, model));
  const known = ANTHROPIC_DEFAULTS[status];
  const type = known?.type ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  const message = known?.message(model) ?? `Simulated error with status ${status}.`;
  return anthropicError({ type, message, requestId });
}

/** The 400 a real provider sends for a body that is not JSON. */
export function malformedJsonBody(provider: Provider, requestId: string): unknown {
  if (provider === 'gemini') return geminiError({ status: 400, message: 'Invalid JSON payload received. Unexpected token.' });
  if (provider === 'anthropic') {
    return anthropicError({ type: 'invalid_request_error', message: 'There was an issue with the format or content of your request: the body is not valid JSON.', requestId });
  }
  return openaiError({
    message:
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. " +
      'The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, ' +
      'please contact us through our help center at help.openai.com.)',
    type: 'invalid_request_error',
  });
}
