import type { Endpoint, EndpointInput } from './endpoint.js';
import { ids } from './ids.js';
import { planReply } from './plan.js';
import type { ReplyPlan } from './plan.js';
import { lastUserText, textOf } from './prompt.js';
import type { RequestBody } from './prompt.js';
import type { SseFrames } from './sse.js';
import { countPromptTokens } from './tokenizer.js';
import type { PromptMessage } from './tokenizer.js';
import { geminiPartialUsage, geminiUsage } from './usage-shapes.js';

// The shapes follow the Gemini API reference (https://ai.google.dev/api/generate-content):
// `GenerateContentResponse` is { candidates, usageMetadata, modelVersion, responseId }, each
// candidate { content: { parts: [{ text }], role: "model" }, finishReason, index }. A stream
// (`:streamGenerateContent?alt=sse`) sends one `GenerateContentResponse` per event, as
// `data: JSON` followed by CRLF CRLF; every chunk carries the prompt counts and the last one the
// finish reason and the whole usage. Without `alt=sse` the stream is one JSON array of chunks.

/** The prompt of a Gemini request: `systemInstruction` plus `contents` (`{ role, parts }`). */
export function geminiPrompt(body: RequestBody): PromptMessage[] {
  const systemText = textOf((body.systemInstruction as { parts?: unknown } | undefined)?.parts ?? body.systemInstruction);
  const system: PromptMessage[] = systemText === '' ? [] : [{ role: 'system', text: systemText }];
  const contents = Array.isArray(body.contents) ? body.contents : typeof body.contents === 'string' ? [{ role: 'user', parts: [{ text: body.contents }] }] : [];
  const messages = contents.map((item: unknown) => {
    const c = (item ?? {}) as { role?: unknown; parts?: unknown };
    return { role: typeof c.role === 'string' ? c.role : 'user', text: textOf(c.parts) };
  });
  return [...system, ...messages];
}

function generationConfig(body: RequestBody): Record<string, unknown> {
  const config = body.generationConfig;
  return config !== null && typeof config === 'object' ? (config as Record<string, unknown>) : {};
}

function planFor({ body, script, params }: EndpointInput): ReplyPlan {
  const config = generationConfig(body);
  const messages = geminiPrompt(body);
  const maxOutputTokens = typeof config.maxOutputTokens === 'number' ? Math.floor(config.maxOutputTokens) : undefined;
  const budget = (config.thinkingConfig as { thinkingBudget?: unknown } | undefined)?.thinkingBudget;
  return planReply({
    script,
    requestModel: params.model ?? '',
    countInput: () => countPromptTokens(messages),
    lastUserText: lastUserText(messages),
    ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
    ...(budget === 0 ? { reasoningTokens: 0 } : {}),
  });
}

interface GeminiReply {
  plan: ReplyPlan;
  responseId: string;
  finishReason: string;
}

function usageOf(plan: ReplyPlan): Record<string, unknown> {
  if (plan.rawUsage) return plan.rawUsage;
  return plan.usage ? geminiUsage(plan.usage) : {};
}

function response(reply: GeminiReply, text: string, last: boolean): Record<string, unknown> {
  const { plan, responseId, finishReason } = reply;
  const candidate = { content: { parts: [{ text }], role: 'model' }, ...(last ? { finishReason } : {}), index: 0 };
  const usage = last ? usageOf(plan) : plan.usage ? geminiPartialUsage(plan.usage) : undefined;
  return { candidates: [candidate], ...(plan.usage || plan.rawUsage ? { usageMetadata: usage } : {}), modelVersion: plan.model, responseId };
}

const geminiEvent = (data: unknown): string => `data: ${JSON.stringify(data)}\r\n\r\n`;

function replyFor(input: EndpointInput): GeminiReply {
  const plan = planFor(input);
  return { plan, responseId: ids.geminiResponse(), finishReason: input.script.finishReason ?? (plan.truncated ? 'MAX_TOKENS' : 'STOP') };
}

/** `POST /v1beta/models/{model}:generateContent`: one `GenerateContentResponse`. */
export const generateContentEndpoint: Endpoint = {
  provider: 'gemini',
  handle(input) {
    const reply = replyFor(input);
    return { kind: 'json', status: 200, body: response(reply, reply.plan.text, true) };
  },
};

/**
 * `POST /v1beta/models/{model}:streamGenerateContent`: with `alt=sse`, one event per chunk of
 * text, then a last chunk with empty text, the finish reason and the whole usage; without it,
 * the same chunks as one JSON array.
 */
export const streamGenerateContentEndpoint: Endpoint = {
  provider: 'gemini',
  handle(input) {
    const reply = replyFor(input);
    const content = reply.plan.pieces.map((piece) => response(reply, piece, false));
    const last = response(reply, '', true);
    if (input.query.get('alt') !== 'sse') return { kind: 'json', status: 200, body: [...content, last] };
    const frames: SseFrames = { head: [], content: content.map(geminiEvent), tail: [geminiEvent(last)] };
    return { kind: 'sse', frames };
  },
};

/**
 * `POST /v1beta/models/{model}:countTokens`: `{ totalTokens, promptTokensDetails }` for the
 * request's `contents`, or for those of its `generateContentRequest`.
 */
export const countTokensEndpoint: Endpoint = {
  provider: 'gemini',
  handle({ body, script }) {
    const inner = body.generateContentRequest;
    const request = inner !== null && typeof inner === 'object' ? (inner as RequestBody) : body;
    const total = script.usage?.input ?? countPromptTokens(geminiPrompt(request));
    return { kind: 'json', status: 200, body: { totalTokens: total, promptTokensDetails: [{ modality: 'TEXT', tokenCount: total }] } };
  },
};
