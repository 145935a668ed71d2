import type { Endpoint } from './endpoint.js';
import { embeddingFor } from './openai-embeddings.js';
import { textOf } from './prompt.js';
import type { RequestBody } from './prompt.js';

// Gemini API reference, "Embeddings" (https://ai.google.dev/api/embeddings): `:embedContent`
// takes `{ content: { parts }, outputDimensionality? }` and answers `{ embedding: { values } }`;
// `:batchEmbedContents` takes `{ requests: [EmbedContentRequest] }` and answers
// `{ embeddings: [{ values }] }`. Neither answer reports token usage.

function dimensionsOf(request: RequestBody, model: string): number {
  if (typeof request.outputDimensionality === 'number') return Math.floor(request.outputDimensionality);
  return model.startsWith('text-embedding-') || model.startsWith('embedding-') ? 768 : 3072;
}

function embed(request: RequestBody, model: string): { values: number[] } {
  const content = (request.content ?? {}) as { parts?: unknown };
  return { values: Array.from(embeddingFor(textOf(content.parts), dimensionsOf(request, model))) };
}

/** `POST /v1beta/models/{model}:embedContent`: one embedding. */
export const embedContentEndpoint: Endpoint = {
  provider: 'gemini',
  handle: ({ body, params }) => ({ kind: 'json', status: 200, body: { embedding: embed(body, params.model ?? '') } }),
};

/** `POST /v1beta/models/{model}:batchEmbedContents`: one embedding per request, in order. */
export const batchEmbedContentsEndpoint: Endpoint = {
  provider: 'gemini',
  handle({ body, params }) {
    const requests = Array.isArray(body.requests) ? (body.requests as RequestBody[]) : [];
    return { kind: 'json', status: 200, body: { embeddings: requests.map((r) => embed(r ?? {}, params.model ?? '')) } };
  },
};
