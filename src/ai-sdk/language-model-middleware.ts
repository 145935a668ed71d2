import type { InProcessRecordingOptions } from '../wrapper/recording-options.js';
import { validateId } from '../proxy/attribution.js';
import { commitCall, warnRecordingFailure, type PendingCall } from '../wrapper/commit-call.js';
import { recordStream } from './record-stream.js';
import { answeredOutcome, beginSdkCall, failedOutcome, sdkFacts, type SdkCallDeps, type SdkModel, type SdkResponse } from './sdk-call.js';

/** Options of {@link aiSdkMiddleware} and {@link aiSdkEmbeddingMiddleware}. */
export interface AiSdkMiddlewareOptions extends InProcessRecordingOptions {
  /**
   * The company whose API serves the model, for its prices (a `@pydantic/genai-prices` id:
   * `openai`, `anthropic`, `google`, `aws`, `azure`...). Default: from the model's provider id
   * (`anthropic.messages` is `anthropic`, `amazon-bedrock` is `aws`; see the README's table).
   */
  upstreamProvider?: string;
}

/** The call options the middleware reads (every specification version has them). */
export interface SdkCallParams {
  prompt?: unknown;
  abortSignal?: AbortSignal | undefined;
}

/** A language model's `doGenerate` result, by the fields read here. */
export interface SdkGenerateResult {
  content?: unknown;
  finishReason?: unknown;
  usage?: unknown;
  providerMetadata?: unknown;
  response?: SdkResponse | undefined;
}

/** A language model's `doStream` result, by the fields read here. */
export interface SdkStreamResult {
  stream: ReadableStream<unknown>;
  response?: { headers?: Record<string, string | undefined> | undefined } | undefined;
}

/**
 * A language-model middleware of the Vercel AI SDK, speaking both specification versions in
 * use: AI SDK 7's (`specificationVersion: 'v4'`) and AI SDK 5's (`middlewareVersion: 'v2'`).
 */
export interface CprLanguageModelMiddleware {
  readonly specificationVersion: 'v4';
  readonly middlewareVersion: 'v2';
  wrapGenerate<R extends SdkGenerateResult>(options: { doGenerate: () => PromiseLike<R>; params: SdkCallParams; model: SdkModel }): Promise<Awaited<R>>;
  wrapStream<R extends SdkStreamResult>(options: { doStream: () => PromiseLike<R>; params: SdkCallParams; model: SdkModel }): Promise<Awaited<R>>;
}

/** The recording deps of a middleware, its fixed ids validated once, when it is made. */
export function middlewareDeps({ recorder, prices, conversationId, ticketId, upstreamProvider, now = Date.now, onAttribution }: AiSdkMiddlewareOptions): SdkCallDeps {
  return {
    recorder, prices, now, onAttribution, upstreamProvider,
    conversationId: conversationId === undefined ? undefined : validateId(conversationId, 'conversationId'),
    ticketId: ticketId === undefined ? undefined : validateId(ticketId, 'ticketId'),
  };
}

/** Starts recording, or `null` (the call then goes unrecorded) when cpr-meter itself fails. */
export function tryBegin(begin: () => PendingCall): PendingCall | null {
  try {
    return begin();
  } catch (error) {
    warnRecordingFailure('an AI SDK call could not be prepared for recording; made unrecorded', error);
    return null;
  }
}

/** The text of a generate result's content, for an estimate when the provider reports no usage. */
function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content.map((part: { type?: unknown; text?: unknown }) => (part?.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
}

/**
 * Records every call of an AI SDK language model: `generateText`, `streamText`,
 * `generateObject` and `streamObject` (each model call, tool-call steps and retries included),
 * with the SDK's normalised usage and the provider's metadata, priced like every other call, the
 * provider taken from the model's provider id. Streams are passed through part by part and
 * recorded when they end; a stream left early is recorded `aborted`, its output estimated.
 * Recording never changes what the caller gets and never throws into it. Works with AI SDK 5
 * and 7.
 *
 * @example
 * import { wrapLanguageModel, generateText } from 'ai';
 * const model = wrapLanguageModel({ model: openai('gpt-4o-mini'), middleware: aiSdkMiddleware({ recorder, prices }) });
 * await generateText({ model, prompt: 'Where is my parcel?' });
 */
export function aiSdkMiddleware(options: AiSdkMiddlewareOptions): CprLanguageModelMiddleware {
  const deps = middlewareDeps(options);
  const begin = (model: SdkModel, params: SdkCallParams, streamed: boolean) =>
    tryBegin(() => beginSdkCall({ model, embedding: false, streamed, prompt: params.prompt, signal: params.abortSignal }, deps));
  const middleware = {
    specificationVersion: 'v4',
    middlewareVersion: 'v2',
    async wrapGenerate({ doGenerate, params, model }: { doGenerate: () => PromiseLike<SdkGenerateResult>; params: SdkCallParams; model: SdkModel }) {
      const call = begin(model, params, false);
      if (call === null) return doGenerate();
      let result: SdkGenerateResult;
      try {
        result = await doGenerate();
      } catch (error) {
        commitCall(call, failedOutcome({ error, signal: params.abortSignal, streamed: false }));
        throw error;
      }
      try {
        commitCall(call, answeredOutcome({ facts: sdkFacts(call, result), headers: result.response?.headers, outputText: textOf(result.content), streamed: false, timeToFirstChunkMs: null }));
      } catch (error) {
        warnRecordingFailure('an AI SDK answer could not be recorded', error);
      }
      return result;
    },
    async wrapStream({ doStream, params, model }: { doStream: () => PromiseLike<SdkStreamResult>; params: SdkCallParams; model: SdkModel }) {
      const call = begin(model, params, true);
      if (call === null) return doStream();
      let result: SdkStreamResult;
      try {
        result = await doStream();
      } catch (error) {
        commitCall(call, failedOutcome({ error, signal: params.abortSignal, streamed: true }));
        throw error;
      }
      try {
        return { ...result, stream: recordStream({ call, source: result.stream, headers: result.response?.headers }) };
      } catch (error) {
        warnRecordingFailure('an AI SDK stream could not be recorded', error);
        return result;
      }
    },
  };
  // Typed generically for the callers: each method hands back the very result type it was given.
  return middleware as CprLanguageModelMiddleware;
}
