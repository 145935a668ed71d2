import { Readable } from 'node:stream';

/** Statuses whose answers have no body, which a `Response` refuses to be constructed with. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * Whether `response` comes from a fetch whose body is not a web stream: openai v4 calls
 * `node-fetch` by default, whose body is a Node.js stream (no `getReader()`).
 */
export function hasNodeBody(response: Response): boolean {
  const body = response.body as unknown;
  return body !== null && body !== undefined && typeof (body as ReadableStream).getReader !== 'function';
}

/**
 * The platform's `Response` for the answer of another fetch whose body is a Node.js stream (see
 * {@link hasNodeBody}): same status, headers, URL and bytes, its body read as the caller reads
 * it (no copy, cancelling it destroys the source). What the caller gets is then one kind of
 * `Response` whichever fetch the client uses; openai v4 reads either the same way (`json()`,
 * `headers.get()`, and its stream parser iterates `body`).
 */
export function platformResponse(response: Response): Response {
  const source = response.body as unknown;
  const body = NULL_BODY_STATUSES.has(response.status)
    ? null
    : source instanceof Readable
      ? (Readable.toWeb(source) as ReadableStream<Uint8Array>)
      : ReadableStream.from(source as AsyncIterable<Uint8Array>);
  const headers = new Headers();
  for (const [name, value] of response.headers as unknown as Iterable<[string, string]>) headers.append(name, value);
  const platform = new Response(body, { status: response.status, statusText: response.statusText, headers });
  // `url` is read-only on a constructed Response; keep the upstream's for code that reads it.
  Object.defineProperty(platform, 'url', { value: response.url, enumerable: true });
  return platform;
}
