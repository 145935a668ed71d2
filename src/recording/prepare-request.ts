import type { Operation } from '../usage/types.js';

/** A recorded request, ready to go upstream. */
export interface PreparedRequest {
  /** The bytes sent upstream: the client's own, unless usage had to be asked for. */
  body: Buffer;
  /** The parsed body; `undefined` when it is not JSON (it is then forwarded untouched). */
  json: Record<string, unknown> | undefined;
  stream: boolean;
  requestModel: string | null;
  /** True when the proxy added `stream_options.include_usage` and must hide the usage chunk. */
  injectedUsage: boolean;
}

const USAGE_OPTION = Buffer.from('"stream_options":{"include_usage":true},');

/**
 * Parses a recorded request and, for a chat or legacy completion streamed without usage, asks
 * the upstream for usage (`stream_options.include_usage = true`). When the body has no
 * `stream_options` at all the option is spliced in as bytes, so nothing else of the client's
 * body changes (not even the precision of a large `seed`). Malformed JSON is left untouched.
 */
export function prepareRequest(operation: Operation, raw: Buffer): PreparedRequest {
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  const stream = json?.stream === true;
  const requestModel = typeof json?.model === 'string' ? json.model : null;
  const base = { body: raw, json, stream, requestModel, injectedUsage: false };
  if (!json || !stream || (operation !== 'chat' && operation !== 'completions')) return base;
  const options = json.stream_options;
  if (typeof options === 'object' && options !== null && (options as Record<string, unknown>).include_usage === true) return base;
  if (options === undefined) {
    const open = raw.indexOf(0x7b); // the body's first `{`
    return { ...base, body: Buffer.concat([raw.subarray(0, open + 1), USAGE_OPTION, raw.subarray(open + 1)]), injectedUsage: true };
  }
  const rewritten = { ...json, stream_options: { ...(typeof options === 'object' && options !== null ? options : {}), include_usage: true } };
  return { ...base, body: Buffer.from(JSON.stringify(rewritten)), injectedUsage: true };
}
