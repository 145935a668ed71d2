/** A non-streamed body, read whole. */
export interface ReadBody {
  text: string;
  /** The parsed body; `undefined` when it is not JSON. */
  json: unknown;
}

/** What {@link shareBody} reports, once the body has been read or has failed. Neither may throw. */
export interface SharedBodyHooks {
  /** The body arrived whole. Runs before any of the caller's reads resolve. */
  read(body: ReadBody): void;
  /** The body was cut (the caller aborted, the connection died). */
  failed(error: unknown): void;
}

/** Decodes as fetch's `text()` does: UTF-8, a leading byte order mark dropped, bad bytes replaced. */
const decoder = new TextDecoder();

/** The body as read once, with what the caller's `json()` gets. */
interface Body extends ReadBody {
  bytes: ArrayBuffer;
  /** Why `json()` rejects when the body is not JSON (`JSON.parse`'s own `SyntaxError`). */
  jsonError: unknown;
}

function parse(bytes: ArrayBuffer): Body {
  const text = decoder.decode(bytes);
  try {
    return { bytes, text, json: JSON.parse(text) as unknown, jsonError: undefined };
  } catch (error) {
    return { bytes, text, json: undefined, jsonError: error };
  }
}

const unusable = () => new TypeError('Body is unusable: Body has already been read');

/** A stream of the whole body, read only when its reader asks (`highWaterMark` 0). */
function streamOf(read: () => Promise<Body>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { bytes } = await read();
        if (bytes.byteLength > 0) controller.enqueue(new Uint8Array(bytes.slice(0)));
        controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
  }, { highWaterMark: 0 });
}

/** What a shared `Response` knows of its body. */
class SharedBody {
  #used = false;
  #stream: ReadableStream<Uint8Array> | undefined;

  constructor(readonly whole: Promise<Body>, readonly init: ResponseInit & { url: string }) {}

  get used(): boolean {
    return this.#used || this.#stream?.locked === true;
  }

  /** The body for one read by the caller; a second read is refused, as fetch refuses it. */
  take(): Promise<Body> {
    if (this.used) return Promise.reject(unusable());
    this.#used = true;
    return this.whole;
  }

  /** The caller's `response.body`: the same stream each time, read through {@link take}. */
  stream(): ReadableStream<Uint8Array> {
    this.#stream ??= streamOf(() => {
      if (this.#used) return Promise.reject(unusable());
      this.#used = true;
      return this.whole;
    });
    return this.#stream;
  }
}

const SHARED = Symbol('cpr-meter.shared-body');
type Shared = Response & { [SHARED]: SharedBody };

/** A fresh `Response` over the same bytes, for the body methods the caller rarely uses. */
const copyOf = (self: Shared, body: Body) => new Response(body.bytes.slice(0), { headers: self.headers });
const jsonOf = (body: Body) => {
  if (body.jsonError !== undefined) throw body.jsonError;
  return body.json;
};

/**
 * The prototype a shared `Response` gets: `Response`'s own, but for the members that read the
 * body, which serve the bytes read once. Swapping the prototype costs far less than defining
 * these members on each response (which also slows every later access to it).
 */
const SHARED_PROTOTYPE: object = Object.create(Response.prototype, {
  bodyUsed: { get(this: Shared) { return this[SHARED].used; }, configurable: true },
  body: { get(this: Shared) { return this[SHARED].stream(); }, configurable: true },
  json: { value(this: Shared) { return this[SHARED].take().then(jsonOf); }, configurable: true, writable: true },
  text: { value(this: Shared) { return this[SHARED].take().then((body) => body.text); }, configurable: true, writable: true },
  arrayBuffer: { value(this: Shared) { return this[SHARED].take().then((body) => body.bytes); }, configurable: true, writable: true },
  bytes: { value(this: Shared) { return this[SHARED].take().then((body) => new Uint8Array(body.bytes)); }, configurable: true, writable: true },
  blob: { value(this: Shared) { return this[SHARED].take().then((body) => copyOf(this, body).blob()); }, configurable: true, writable: true },
  formData: { value(this: Shared) { return this[SHARED].take().then((body) => copyOf(this, body).formData()); }, configurable: true, writable: true },
  clone: {
    value(this: Shared) {
      const shared = this[SHARED];
      if (shared.used) throw new TypeError('Response.clone: Body has already been consumed.');
      const { url, ...init } = shared.init;
      const clone = new Response(streamOf(() => shared.whole), init);
      // `url` is read-only on a constructed Response; keep the upstream's for code that reads it.
      Object.defineProperty(clone, 'url', { value: url, enumerable: true });
      return clone;
    },
    configurable: true,
    writable: true,
  },
});

/** The old way, for a `Response` of another fetch than the platform's: a tee of its body, the copy read whole. */
function teeBody(response: Response, hooks: SharedBodyHooks): void {
  response.clone().arrayBuffer().then((bytes) => hooks.read(parse(bytes)), (error: unknown) => hooks.failed(error));
}

/**
 * Reads a non-streamed answer's body once, for both the recording and the caller, instead of
 * teeing it (`response.clone()` costs two web streams and a copy of every chunk, about as much
 * as all the rest of the recording). The caller keeps the very `Response`, handed over as soon
 * as its headers arrived, whose body members (`json()`, `text()`, `arrayBuffer()`, `bytes()`,
 * `blob()`, `formData()`, `body`, `bodyUsed`, `clone()`) now serve the bytes read here: the same
 * values and the same errors (a body cut short rejects with the fetch's own error, a second
 * read with a `TypeError`). The body is read to its end whether or not the caller reads it, as
 * a tee did, so that every answer is recorded; `hooks.read` gets it parsed, and the caller's
 * `json()` that very object, so that it is not parsed twice.
 */
export function shareBody(response: Response, hooks: SharedBodyHooks): void {
  if (response.body === null) {
    hooks.read({ text: '', json: undefined });
    return;
  }
  if (Object.getPrototypeOf(response) !== Response.prototype) {
    teeBody(response, hooks);
    return;
  }
  const { status, statusText, headers, url } = response;
  const whole = response.arrayBuffer().then(
    (bytes) => {
      const body = parse(bytes);
      // Before the caller's continuation: the recording sees the body before the caller can change it.
      hooks.read(body);
      return body;
    },
    (error: unknown) => {
      hooks.failed(error);
      throw error;
    },
  );
  // The caller may never read the body: a cut one must not become an unhandled rejection.
  whole.catch(() => undefined);
  Object.setPrototypeOf(response, SHARED_PROTOTYPE);
  (response as Shared)[SHARED] = new SharedBody(whole, { status, statusText, headers, url });
}
