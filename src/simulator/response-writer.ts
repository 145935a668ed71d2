import type { ServerResponse } from 'node:http';
import type { SseFrames } from './sse.js';
import type { SimScript } from './types.js';

/** Options of the writers: the response, its headers, and the script's pacing and failures. */
export interface WriteOptions {
  res: ServerResponse;
  headers: Record<string, string>;
  script: SimScript;
  /** Called just before the writer destroys the socket on purpose (`destroyAfterChunks`). */
  onDestroy: () => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function untilClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => (res.closed ? resolve() : res.once('close', () => resolve())));
}

// Writes one frame; the promise settles once the bytes are handed to the kernel, so that a
// following destroy does not discard them.
function write(res: ServerResponse, frame: string): Promise<void> {
  return new Promise((resolve) => res.write(frame, () => resolve()));
}

async function destroy(options: WriteOptions, lastWrite: Promise<void>): Promise<void> {
  await lastWrite;
  options.onDestroy();
  options.res.destroy();
}

/**
 * Streams `frames` as `text/event-stream`: the head at once, then each content chunk after
 * `chunkDelayMs`, then the tail. With `stallAfterChunks: n` it stops after n content chunks and
 * waits until the client goes away; with `destroyAfterChunks: n` it destroys the socket there.
 */
export async function writeSse(options: WriteOptions, frames: SseFrames): Promise<void> {
  const { res, headers, script } = options;
  res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...script.headers });
  let lastWrite = Promise.resolve();
  for (const frame of frames.head) lastWrite = write(res, frame);
  const { content } = frames;
  const stallAt = Math.min(script.stallAfterChunks ?? Infinity, content.length);
  const destroyAt = Math.min(script.destroyAfterChunks ?? Infinity, content.length);
  for (let i = 0; i <= content.length; i++) {
    if (i === stallAt && script.stallAfterChunks !== undefined) return untilClosed(res);
    if (i === destroyAt && script.destroyAfterChunks !== undefined) return destroy(options, lastWrite);
    if (i === content.length) break;
    if (script.chunkDelayMs) await sleep(script.chunkDelayMs);
    if (res.destroyed) return;
    lastWrite = write(res, content[i]);
  }
  for (const frame of frames.tail) res.write(frame);
  res.end();
}

/**
 * Sends a JSON answer. With `stallAfterChunks` or `destroyAfterChunks` set, only the headers and
 * the first half of the body are sent before the stall or the destroy.
 */
export async function writeJson(options: WriteOptions, answer: { status: number; body: unknown }): Promise<void> {
  const { res, headers, script } = options;
  const { status, body } = answer;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...script.headers });
  if (script.stallAfterChunks === undefined && script.destroyAfterChunks === undefined) {
    res.end(text);
    return;
  }
  const lastWrite = write(res, text.slice(0, Math.floor(text.length / 2)));
  if (script.stallAfterChunks !== undefined) return untilClosed(res);
  return destroy(options, lastWrite);
}
