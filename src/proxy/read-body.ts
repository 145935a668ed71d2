import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError, RequestTimeoutError } from '../errors.js';
import type { BodyLease } from '../server/body-memory.js';

/** Options of {@link readBody}. */
export interface ReadBodyOptions {
  /** Largest body accepted, bytes (larger: `PayloadTooLargeError`, 413). */
  limitBytes: number;
  /** This request's share of the bytes all bodies may hold at once; the caller releases it. */
  lease?: BodyLease | undefined;
  /** A client that sends no byte of its body for this long is cut (`RequestTimeoutError`, 408). Default: no limit. */
  idleTimeoutMs?: number | undefined;
}

/**
 * Reads a request body into one buffer, refusing it past `limitBytes`, or when the bodies held
 * at once would pass what `lease` allows (503). Rejects when the client goes away before the
 * body ends, and cuts a client that stops sending for `idleTimeoutMs`.
 *
 * Listens to the stream's events rather than iterating it with `for await`: the async iterator
 * costs a few microseconds per request (its own promises and end-of-stream tracking), on every
 * proxied call.
 */
export function readBody(req: IncomingMessage, { limitBytes, lease, idleTimeoutMs }: ReadBodyOptions): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.reject(new PayloadTooLargeError(limitBytes));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let idle: NodeJS.Timeout | undefined;
    const stop = () => {
      if (idle) clearTimeout(idle);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    /** Stops reading without cutting the connection, so that the error can still be answered. */
    const refuse = (error: Error) => {
      stop();
      chunks.length = 0;
      lease?.release();
      // Detach the socket first, as Node does when a `for await` over a server request is left
      // early (stream `destroyer`).
      (req as { socket: unknown }).socket = null;
      req.destroy();
      reject(error);
    };
    const armIdle = () => {
      if (idleTimeoutMs === undefined) return;
      if (idle) idle.refresh();
      else {
        idle = setTimeout(() => {
          const socket = req.socket;
          refuse(new RequestTimeoutError(`No byte of the request body arrived for ${idleTimeoutMs} ms (--body-timeout-ms, CPR_BODY_TIMEOUT_MS); the upload was cut.`));
          // The answer (408) is written in this turn; the connection closes once it is sent.
          setImmediate(() => socket?.destroySoon());
        }, idleTimeoutMs);
        idle.unref();
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) return refuse(new PayloadTooLargeError(limitBytes));
      try {
        lease?.take(chunk.length);
      } catch (error) {
        return refuse(error as Error);
      }
      chunks.push(chunk);
      armIdle();
    };
    const onEnd = () => {
      stop();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      stop();
      lease?.release();
      reject(error);
    };
    const onClose = () => {
      stop();
      lease?.release();
      reject(Object.assign(new Error('The client closed the connection before the request body ended.'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    };
    armIdle();
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
