import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Provider } from '../usage/types.js';
import type { ApiFamily } from './routes.js';

/** Hop-by-hop headers (RFC 9110 7.6.1) and those the HTTP client sets itself. */
const NOT_FORWARDED = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'host', 'content-length', 'expect',
]);

/** Every header a client's API key may come in: OpenAI's, Anthropic's, Azure's, Google's. */
const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'api-key', 'x-goog-api-key'] as const;

/** The header an upstream takes its key in. */
export type KeyHeader = 'authorization' | 'x-api-key' | 'api-key' | 'x-goog-api-key';

/**
 * Where an upstream takes its key: Anthropic `x-api-key`, Gemini's own API `x-goog-api-key`,
 * Azure OpenAI `api-key`, every other OpenAI-compatible API `Authorization: Bearer`.
 */
export function keyHeaderOf({ provider, api, upstreamProvider }: { provider: Provider; api?: ApiFamily | undefined; upstreamProvider?: string | null | undefined }): KeyHeader {
  if (provider === 'anthropic') return 'x-api-key';
  if (provider === 'gemini') return 'x-goog-api-key';
  return api === 'azure' || upstreamProvider === 'azure' ? 'api-key' : 'authorization';
}

/** Options of {@link upstreamRequestHeaders}. */
export interface UpstreamHeaderOptions {
  provider: Provider;
  /** The path family (Azure's takes its key in `api-key`). */
  api?: ApiFamily | undefined;
  /** The company whose API the upstream is. */
  upstreamProvider?: string | null | undefined;
  /** When set, replaces the client's credentials (`CPR_UPSTREAM_API_KEY`, `CPR_UPSTREAM_API_KEY_<NAME>`). */
  upstreamApiKey?: string | undefined;
  /** Ask for an uncompressed answer so that its usage can be read. */
  identityEncoding: boolean;
  /** The proxy's own client token, which is not the upstream's and is dropped. */
  dropClientCredentials: boolean;
}

/**
 * The headers sent upstream: the client's, minus hop-by-hop headers and every `x-cpr-*`
 * header; credentials replaced when the proxy holds the upstream key.
 */
export function upstreamRequestHeaders(headers: IncomingHttpHeaders, options: UpstreamHeaderOptions): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || NOT_FORWARDED.has(name) || name.startsWith('x-cpr-')) continue;
    out[name] = value;
  }
  if (options.identityEncoding) out['accept-encoding'] = 'identity';
  if (options.upstreamApiKey !== undefined || options.dropClientCredentials) {
    for (const name of CREDENTIAL_HEADERS) delete out[name];
  }
  if (options.upstreamApiKey !== undefined) {
    const header = keyHeaderOf(options);
    out[header] = header === 'authorization' ? `Bearer ${options.upstreamApiKey}` : options.upstreamApiKey;
  }
  return out;
}

/** The upstream's response headers to pass back, minus hop-by-hop ones (and the length, when usage is cut out of the body). */
export function clientResponseHeaders(
  headers: Record<string, string | string[] | undefined>,
  options: { dropLength: boolean },
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || (NOT_FORWARDED.has(name) && !(name === 'content-length' && !options.dropLength))) continue;
    out[name] = value;
  }
  return out;
}

/** A URL without its `key` query parameter (Gemini's other way to pass the API key). */
export function withoutKeyParameter(url: string): string {
  const queryAt = url.indexOf('?');
  if (queryAt === -1) return url;
  const params = new URLSearchParams(url.slice(queryAt + 1));
  if (!params.has('key')) return url;
  params.delete('key');
  const rest = params.toString();
  return rest === '' ? url.slice(0, queryAt) : `${url.slice(0, queryAt)}?${rest}`;
}

/** The `key` query parameter of a URL (Gemini's), or `''`. */
export function keyParameterOf(url: string): string {
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? '' : new URLSearchParams(url.slice(queryAt + 1)).get('key') ?? '';
}
