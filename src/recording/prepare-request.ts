import type { Operation } from '../usage/types.js';

/** A recorded request, ready to go upstream. */
export interface PreparedRequest<B extends Buffer | string = Buffer> {
  /** What is sent upstream: the client's own body, unless usage had to be asked for; bytes or text as it came. */
  body: B;
  /** The parsed body; `undefined` when it is not JSON (it is then forwarded untouched). */
  json: Record<string, unknown> | undefined;
  stream: boolean;
  requestModel: string | null;
  /** True when the proxy added `stream_options.include_usage` and must hide the usage chunk. */
  injectedUsage: boolean;
}

const USAGE_OPTION = '"stream_options":{"include_usage":true},';
const USAGE_OPTION_BYTES = Buffer.from(USAGE_OPTION);

/**
 * Parses a recorded request and, for a chat or legacy completion streamed without usage, asks
 * the upstream for usage (`stream_options.include_usage = true`). When the body has no
 * `stream_options` at all the option is spliced in, so nothing else of the client's body
 * changes (not even the precision of a large `seed`). Malformed JSON is left untouched. The
 * body is bytes (the proxy's) or text (the SDK's, as the wrapper gets it), and stays so.
 * `askForUsage: false` (an upstream that refuses `stream_options`, such as Azure before
 * `api-version=2024-09-01`) leaves every body as it came.
 */
export function prepareRequest<B extends Buffer | string>(operation: Operation, raw: B, { askForUsage = true }: { askForUsage?: boolean } = {}): PreparedRequest<B> {
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  const stream = json?.stream === true;
  const requestModel = typeof json?.model === 'string' ? json.model : null;
  const base = { body: raw, json, stream, requestModel, injectedUsage: false };
  if (!json || !stream || !askForUsage || (operation !== 'chat' && operation !== 'completions')) return base;
  const options = json.stream_options;
  if (typeof options === 'object' && options !== null && (options as Record<string, unknown>).include_usage === true) return base;
  if (options === undefined) {
    // Right after the body's first `{`.
    const body = typeof raw === 'string'
      ? `${raw.slice(0, raw.indexOf('{') + 1)}${USAGE_OPTION}${raw.slice(raw.indexOf('{') + 1)}`
      : Buffer.concat([raw.subarray(0, raw.indexOf(0x7b) + 1), USAGE_OPTION_BYTES, raw.subarray(raw.indexOf(0x7b) + 1)]);
    return { ...base, body: body as B, injectedUsage: true };
  }
  const rewritten = JSON.stringify({ ...json, stream_options: { ...(typeof options === 'object' && options !== null ? options : {}), include_usage: true } });
  return { ...base, body: (typeof raw === 'string' ? rewritten : Buffer.from(rewritten)) as B, injectedUsage: true };
}
