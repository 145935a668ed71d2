import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Provider } from '../usage/types.js';

/** Hop-by-hop headers (RFC 9110 7.6.1) and those the HTTP client sets itself. */
const NOT_FORWARDED = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'host', 'content-length', 'expect',
]);

/** Options of {@link upstreamRequestHeaders}. */
export interface UpstreamHeaderOptions {
  provider: Provider;
  /** When set, replaces the client's credentials (`CPR_UPSTREAM_API_KEY`). */
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
    delete out.authorization;
    delete out['x-api-key'];
  }
  if (options.upstreamApiKey !== undefined) {
    if (options.provider === 'anthropic') out['x-api-key'] = options.upstreamApiKey;
    else out.authorization = `Bearer ${options.upstreamApiKey}`;
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
