import type { Endpoint, EndpointAnswer, EndpointInput } from './endpoint.js';
import { sseEvent } from './sse.js';
import type { SseFrames } from './sse.js';

// Azure OpenAI answers in OpenAI's shapes plus its content filter's annotations (Azure OpenAI
// REST reference, "Chat completions - Create", and "Content filtering", learn.microsoft.com/
// azure/ai-foundry/openai/concepts/content-filter):
// - a chat or legacy completion gets `prompt_filter_results: [{ prompt_index, content_filter_results }]`
//   and each choice its own `content_filter_results`;
// - a stream starts with a chunk that has no choices and empty `id`, `model`, `object`, carrying
//   only `prompt_filter_results`; each content chunk's choice then carries `content_filter_results`
//   (`{}` on the role chunk and the finish chunk);
// - no `service_tier` and no `obfuscation`.
// The deployment named in the path is not a model: the response's `model` is the model it runs.
// The prompt's results add `jailbreak: { filtered, detected }` to the four categories, as in the
// recorded streams of Microsoft's own SDK tests (semantic-kernel, Connectors.AzureOpenAI.UnitTests
// TestData/chat_completion_streaming_*.txt).

const SAFE = { filtered: false, severity: 'safe' };

/** The four categories' results when nothing was filtered, as Azure's default filter reports them. */
export const SAFE_FILTER_RESULTS = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };

const PROMPT_FILTER_RESULTS = [{
  prompt_index: 0,
  content_filter_results: { hate: SAFE, jailbreak: { filtered: false, detected: false }, self_harm: SAFE, sexual: SAFE, violence: SAFE },
}];

type Json = Record<string, unknown>;

const isCompletion = (body: Json): boolean => body.object === 'chat.completion' || body.object === 'text_completion';

function withoutOpenAiOnlyFields(body: Json): Json {
  const { service_tier: _tier, obfuscation: _padding, ...rest } = body;
  return rest;
}

function annotateChoices(body: Json, results: (choice: Json) => unknown): Json {
  const choices = Array.isArray(body.choices) ? (body.choices as Json[]) : [];
  return { ...body, choices: choices.map((c) => ({ ...c, content_filter_results: results(c) })) };
}

function chunkResults(choice: Json): unknown {
  const delta = (choice.delta ?? {}) as Json;
  const text = typeof delta.content === 'string' ? delta.content : choice.text;
  return typeof text === 'string' && text !== '' ? SAFE_FILTER_RESULTS : {};
}

function annotateJson(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || !isCompletion(body as Json)) return body;
  const annotated = annotateChoices(withoutOpenAiOnlyFields(body as Json), () => SAFE_FILTER_RESULTS);
  return { ...annotated, prompt_filter_results: PROMPT_FILTER_RESULTS };
}

function annotateFrame(frame: string): string {
  if (!frame.startsWith('data: {')) return frame;
  const chunk = JSON.parse(frame.slice('data: '.length)) as Json;
  if (chunk.object !== 'chat.completion.chunk' && chunk.object !== 'text_completion') return frame;
  const bare = withoutOpenAiOnlyFields(chunk);
  return sseEvent(Array.isArray(bare.choices) && bare.choices.length > 0 ? annotateChoices(bare, chunkResults) : bare);
}

function annotateStream(frames: SseFrames): SseFrames {
  const isChat = frames.head.some((f) => f.includes('"chat.completion.chunk"'));
  const promptFilter = sseEvent({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: PROMPT_FILTER_RESULTS });
  return {
    head: [...(isChat ? [promptFilter] : []), ...frames.head.map(annotateFrame)],
    content: frames.content.map(annotateFrame),
    tail: frames.tail.map(annotateFrame),
  };
}

function annotate(answer: EndpointAnswer): EndpointAnswer {
  if (answer.kind === 'sse') return { kind: 'sse', frames: annotateStream(answer.frames) };
  if (answer.status >= 400) return answer;
  return { kind: 'json', status: answer.status, body: annotateJson(answer.body) };
}

/**
 * Azure OpenAI's version of an OpenAI endpoint. On the classic path
 * (`/openai/deployments/{deployment}/...`) the deployment stands for the model, and an
 * `api-version` query parameter is required, as on the real service.
 */
export function azureEndpoint(inner: Endpoint): Endpoint {
  return {
    provider: 'azure',
    handle(input: EndpointInput): EndpointAnswer {
      const { deployment } = input.params;
      if (deployment !== undefined && !input.query.has('api-version')) return { kind: 'json', status: 404, body: { error: { code: '404', message: 'Resource not found' } } };
      const body = deployment === undefined ? input.body : { ...input.body, model: deployment };
      return annotate(inner.handle({ ...input, body }));
    },
  };
}
