import { openaiError } from './errors.js';
import type { RequestBody } from './prompt.js';
import type { SseFrames } from './sse.js';
import type { SimScript } from './types.js';

/** Which wire format an endpoint speaks (Azure is OpenAI's with content-filter annotations). */
export type Provider = 'openai' | 'anthropic' | 'azure' | 'gemini';

/** What an endpoint is given: the parsed request, the script it answers with, and the clock. */
export interface EndpointInput {
  body: RequestBody;
  script: SimScript;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** The id sent in the `x-request-id` or `request-id` header (Anthropic repeats it in errors). */
  requestId: string;
  /** Values taken from the path, e.g. `model` (Gemini) or `deployment` (Azure). Empty for fixed routes. */
  params: Readonly<Record<string, string>>;
  /** The request's query string. */
  query: URLSearchParams;
}

/** An endpoint's answer, as data: a JSON body with its status, or a stream of SSE frames. */
export type EndpointAnswer = { kind: 'json'; status: number; body: unknown } | { kind: 'sse'; frames: SseFrames };

/** One simulated route: a pure function from a request to its answer. */
export interface Endpoint {
  provider: Provider;
  handle(input: EndpointInput): EndpointAnswer;
}

/** Reads an optional numeric field of a request body, rounded down to an integer. */
export function intField(body: RequestBody, name: string): number | undefined {
  const value = body[name];
  return typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : undefined;
}

/** The requested model, or `''` when absent. */
export function modelOf(body: RequestBody): string {
  return typeof body.model === 'string' ? body.model : '';
}

/** The `stream_options` of an OpenAI request, with the API's defaults. */
export function streamOptionsOf(body: RequestBody): { includeUsage: boolean; includeObfuscation: boolean } {
  const options = (body.stream_options ?? {}) as Record<string, unknown>;
  return { includeUsage: options.include_usage === true, includeObfuscation: options.include_obfuscation !== false };
}

/** The `system_fingerprint` OpenAI answers with; fixed, as for one backend configuration. */
export const SYSTEM_FINGERPRINT = 'fp_7f5c3a1e9b';

/**
 * OpenAI's 400 for `stream_options` on a request that does not stream, which the real API
 * refuses (a proxy that injects `include_usage` everywhere must not trip on it).
 */
export function streamOptionsWithoutStream(body: RequestBody): EndpointAnswer | undefined {
  if (body.stream_options === undefined || body.stream_options === null || body.stream === true) return undefined;
  const message = "The 'stream_options' parameter is only allowed when 'stream' is enabled.";
  return { kind: 'json', status: 400, body: openaiError({ message, type: 'invalid_request_error', param: 'stream_options' }) };
}
