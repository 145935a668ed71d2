import type { Usage } from '../usage/types.js';
import { commitCall, warnRecordingFailure } from '../wrapper/commit-call.js';
import { middlewareDeps, tryBegin, type AiSdkMiddlewareOptions } from './language-model-middleware.js';
import { answeredOutcome, beginSdkCall, failedOutcome, type SdkModel, type SdkResponse } from './sdk-call.js';

/** An embedding model's call options, by the fields read here. */
export interface SdkEmbedParams {
  values?: unknown;
  abortSignal?: AbortSignal | undefined;
}

/** An embedding model's `doEmbed` result, by the fields read here. */
export interface SdkEmbedResult {
  usage?: { tokens?: number } | undefined;
  providerMetadata?: unknown;
  response?: SdkResponse | undefined;
}

/** An embedding-model middleware of the Vercel AI SDK, for AI SDK 7's `wrapEmbeddingModel` (and this package's, for AI SDK 5). */
export interface CprEmbeddingModelMiddleware {
  readonly specificationVersion: 'v4';
  wrapEmbed<R extends SdkEmbedResult>(options: { doEmbed: () => PromiseLike<R>; params: SdkEmbedParams; model: SdkModel }): Promise<Awaited<R>>;
}

/**
 * Records every call of an AI SDK embedding model (`embed`, and each request of `embedMany`),
 * with the tokens the provider reports, priced like every other embeddings call; fails open.
 * AI SDK 7: `wrapEmbeddingModel({ model, middleware: aiSdkEmbeddingMiddleware(options) })` from
 * `ai`. AI SDK 5, which has no `wrapEmbeddingModel`: the one from `cpr-meter/ai-sdk`.
 *
 * @example
 * const embedder = wrapEmbeddingModel({ model: openai.embedding('text-embedding-3-small'), middleware: aiSdkEmbeddingMiddleware({ recorder, prices }) });
 * await embedMany({ model: embedder, values: articles });
 */
export function aiSdkEmbeddingMiddleware(options: AiSdkMiddlewareOptions): CprEmbeddingModelMiddleware {
  const deps = middlewareDeps(options);
  const middleware = {
    specificationVersion: 'v4',
    async wrapEmbed({ doEmbed, params, model }: { doEmbed: () => PromiseLike<SdkEmbedResult>; params: SdkEmbedParams; model: SdkModel }) {
      const call = tryBegin(() => beginSdkCall({ model, embedding: true, streamed: false, prompt: params.values, signal: params.abortSignal }, deps));
      if (call === null) return doEmbed();
      let result: SdkEmbedResult;
      try {
        result = await doEmbed();
      } catch (error) {
        commitCall(call, failedOutcome({ error, signal: params.abortSignal, streamed: false }));
        throw error;
      }
      try {
        const tokens = result.usage?.tokens;
        // Embeddings bill input only. The SDK keeps no response model or id for them.
        const usage: Usage | null = typeof tokens === 'number' && Number.isSafeInteger(tokens) && tokens >= 0
          ? { inputTokens: tokens, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 }
          : null;
        const facts = { model: null, id: null, finishReasons: [], usage };
        commitCall(call, answeredOutcome({ facts, headers: result.response?.headers, outputText: '', streamed: false, timeToFirstChunkMs: null }));
      } catch (error) {
        warnRecordingFailure('an AI SDK embedding could not be recorded', error);
      }
      return result;
    },
  };
  return middleware as CprEmbeddingModelMiddleware;
}

/** An AI SDK embedding model (specification v2 to v4), by the members a wrapper passes on. */
export interface SdkEmbeddingModel extends SdkModel {
  readonly specificationVersion: string;
  readonly maxEmbeddingsPerCall: unknown;
  readonly supportsParallelCalls: unknown;
  doEmbed(options: never): PromiseLike<unknown>;
}

/**
 * AI SDK 7's `wrapEmbeddingModel`, for AI SDK 5 (which has none) and later: an embedding model
 * whose `doEmbed` goes through `middleware.wrapEmbed`; every other member is the model's own.
 *
 * @example
 * import { embed } from 'ai'; // AI SDK 5
 * const model = wrapEmbeddingModel({ model: openai.embedding('text-embedding-3-small'), middleware: meter.aiSdkEmbeddingMiddleware() });
 */
export function wrapEmbeddingModel<M extends SdkEmbeddingModel>({ model, middleware }: { model: M; middleware: CprEmbeddingModelMiddleware }): M {
  const wrapped = {
    specificationVersion: model.specificationVersion,
    provider: model.provider,
    modelId: model.modelId,
    maxEmbeddingsPerCall: model.maxEmbeddingsPerCall,
    supportsParallelCalls: model.supportsParallelCalls,
    doEmbed: (params: SdkEmbedParams) =>
      middleware.wrapEmbed({ doEmbed: () => model.doEmbed(params as never) as PromiseLike<SdkEmbedResult>, params, model }),
  };
  // The members the AI SDK reads, each the model's own but `doEmbed`: the model's type stands.
  return wrapped as unknown as M;
}
