import { OverloadedError } from '../errors.js';

/** One request's share of a {@link BodyMemory}: bytes taken as they arrive, given back once. */
export interface BodyLease {
  /** Takes `bytes` more; throws an {@link OverloadedError} (503) when the total would pass the limit. */
  take(bytes: number): void;
  /** Gives back everything this lease took (idempotent). */
  release(): void;
}

/**
 * The bytes of request bodies held in memory at once, across all requests, capped
 * (`--max-body-memory-bytes`): a request whose body would pass the cap is refused with a `503`
 * in OpenAI's error shape (the OpenAI SDK retries it), instead of the process growing with every
 * upload a client leaves hanging.
 *
 * @example
 * const memory = new BodyMemory(256 * 1024 * 1024);
 * const lease = memory.lease();
 * try { const body = await readBody(req, { limitBytes, lease }); ... } finally { lease.release(); }
 */
export class BodyMemory {
  readonly limitBytes: number;
  #held = 0;

  constructor(limitBytes: number) {
    this.limitBytes = limitBytes;
  }

  /** Bytes held now. */
  get held(): number {
    return this.#held;
  }

  /** A lease for one request's body. */
  lease(): BodyLease {
    let taken = 0;
    return {
      take: (bytes) => {
        if (this.#held + bytes > this.limitBytes) {
          throw new OverloadedError(
            `cpr-meter is holding ${this.#held} bytes of request bodies, the most it may at once (--max-body-memory-bytes, CPR_MAX_BODY_MEMORY_BYTES = ${this.limitBytes}); retry shortly.`,
            { code: 'body_memory_full' },
          );
        }
        this.#held += bytes;
        taken += bytes;
      },
      release: () => {
        this.#held -= taken;
        taken = 0;
      },
    };
  }
}
