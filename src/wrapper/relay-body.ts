/** How a relayed body ended: read to its end, failed while reading, or cancelled by its reader. */
export type BodyEnd = { kind: 'complete' } | { kind: 'failed'; error: unknown } | { kind: 'cancelled' };

/**
 * Whether a body's end was the caller leaving (its abort signal, or its reader cancelling) rather
 * than the upstream: a read that failed because the caller aborted is the caller leaving, not the
 * upstream dying.
 */
export function endedByCaller(how: BodyEnd | { kind: 'aborted' }, signal: AbortSignal | null | undefined): boolean {
  return how.kind === 'aborted' || how.kind === 'cancelled' || (how.kind === 'failed' && signal?.aborted === true);
}

/** What {@link relayBody} does with each chunk and the end. */
export interface RelayBodyHooks<In = Uint8Array, Out = In> {
  /** Maps a source chunk to what the reader gets (`null`: nothing for this chunk). */
  push(chunk: In): Out | null;
  /** Called once the body has ended, whichever way. */
  end(how: BodyEnd): void;
}

/**
 * A stream that reads `source` chunk by chunk as its own reader pulls, hands each chunk to
 * `hooks.push` and passes on what it returns: an upstream body's bytes (the wrapper), or the
 * parts of an AI SDK model's stream (the AI SDK middleware). Built on `pull` rather than a
 * `TransformStream` so that all three ends (done, a read error such as an abort, the reader
 * cancelling) are seen and reported, and so that chunks are only read as fast as the caller
 * consumes them.
 */
export function relayBody<In = Uint8Array, Out = In>(source: ReadableStream<In>, hooks: RelayBodyHooks<In, Out>): ReadableStream<Out> {
  const reader = source.getReader();
  return new ReadableStream<Out>({
    async pull(controller) {
      for (;;) {
        let result: Awaited<ReturnType<typeof reader.read>>;
        try {
          result = await reader.read();
        } catch (error) {
          hooks.end({ kind: 'failed', error });
          controller.error(error);
          return;
        }
        if (result.done) {
          controller.close();
          hooks.end({ kind: 'complete' });
          return;
        }
        let out: Out | null;
        try {
          out = hooks.push(result.value);
        } catch {
          // Recording must never break the caller's stream: on a tally failure, pass the chunk as it came.
          out = result.value as unknown as Out;
        }
        if (out === null) continue;
        controller.enqueue(out);
        return;
      }
    },
    async cancel(reason) {
      hooks.end({ kind: 'cancelled' });
      await reader.cancel(reason);
    },
  });
}
