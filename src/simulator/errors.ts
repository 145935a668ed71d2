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
  if (provider === 'openai') return openaiError(openaiDefault(status, model));
  const known = ANTHROPIC_DEFAULTS[status];
  const type = known?.type ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  const message = known?.message(model) ?? `Simulated error with status ${status}.`;
  return anthropicError({ type, message, requestId });
}

/** The 400 a real provider sends for a body that is not JSON. */
export function malformedJsonBody(provider: Provider, requestId: string): unknown {
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
