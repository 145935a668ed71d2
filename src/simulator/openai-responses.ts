import { intField, modelOf, streamOptionsOf } from './endpoint.js';
import type { Endpoint } from './endpoint.js';
import { ids, obfuscation } from './ids.js';
import { isReasoningModel } from './models.js';
import { planReply } from './plan.js';
import type { ReplyPlan } from './plan.js';
import { lastUserText, responsesPrompt } from './prompt.js';
import type { RequestBody } from './prompt.js';
import { sseEvent } from './sse.js';
import type { SseFrames } from './sse.js';
import { countPromptTokens } from './tokenizer.js';
import { responsesUsage } from './usage-shapes.js';

interface ResponseReply {
  body: RequestBody;
  plan: ReplyPlan;
  id: string;
  created: number;
  messageId: string;
  /** Set for reasoning models, whose output starts with a reasoning item. */
  reasoningId: string | null;
  incomplete: boolean;
}

type Phase = 'in_progress' | 'final';

function outputText(text: string): unknown {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

function messageItem(reply: ResponseReply, phase: Phase): unknown {
  const status = phase === 'in_progress' ? 'in_progress' : reply.incomplete ? 'incomplete' : 'completed';
  const content = phase === 'in_progress' ? [] : [outputText(reply.plan.text)];
  return { id: reply.messageId, type: 'message', status, content, role: 'assistant' };
}

function outputItems(reply: ResponseReply): unknown[] {
  const reasoning = reply.reasoningId === null ? [] : [{ id: reply.reasoningId, type: 'reasoning', summary: [] }];
  return [...reasoning, ...reply.plan.outputItems, messageItem(reply, 'final')];
}

// The `response` object, with its fields in the order the API sends them. While in progress it
// has no output and `usage: null`; the final one carries the usage.
function responseObject(reply: ResponseReply, phase: Phase): unknown {
  const { body, plan } = reply;
  const final = phase === 'final';
  const status = !final ? 'in_progress' : reply.incomplete ? 'incomplete' : 'completed';
  return {
    id: reply.id,
    object: 'response',
    created_at: reply.created,
    status,
    background: false,
    error: null,
    incomplete_details: final && reply.incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    max_tool_calls: null,
    model: plan.model,
    output: final ? outputItems(reply) : [],
    parallel_tool_calls: true,
    previous_response_id: body.previous_response_id ?? null,
    prompt_cache_key: null,
    reasoning: { effort: reply.reasoningId === null ? null : 'medium', summary: null },
    safety_identifier: null,
    service_tier: final ? plan.serviceTier : 'auto',
    store: body.store ?? true,
    temperature: body.temperature ?? 1.0,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_logprobs: 0,
    top_p: body.top_p ?? 1.0,
    truncation: 'disabled',
    usage: final && plan.usage ? plan.rawUsage ?? responsesUsage(plan.usage) : null,
    user: null,
    metadata: body.metadata ?? {},
  };
}

// Every event is `event: TYPE` plus data that repeats the type and a sequence number counting
// from 0 across the whole stream. There is no `[DONE]`: the terminal event ends it.
function responseStream(reply: ResponseReply): SseFrames {
  let sequence = 0;
  const event = (type: string, fields: Record<string, unknown>): string => sseEvent({ type, sequence_number: sequence++, ...fields }, type);
  const { plan, messageId } = reply;
  const obfuscate = streamOptionsOf(reply.body).includeObfuscation;
  const outputIndex = reply.reasoningId === null ? 0 : 1;
  const where = { item_id: messageId, output_index: outputIndex, content_index: 0 };

  const head = [event('response.created', { response: responseObject(reply, 'in_progress') }), event('response.in_progress', { response: responseObject(reply, 'in_progress') })];
  if (reply.reasoningId !== null) {
    const reasoning = { id: reply.reasoningId, type: 'reasoning', summary: [] };
    head.push(event('response.output_item.added', { output_index: 0, item: reasoning }), event('response.output_item.done', { output_index: 0, item: reasoning }));
  }
  head.push(
    event('response.output_item.added', { output_index: outputIndex, item: messageItem(reply, 'in_progress') }),
    event('response.content_part.added', { ...where, part: outputText('') }),
  );
  const content = plan.pieces.map((delta) => event('response.output_text.delta', { ...where, delta, logprobs: [], ...(obfuscate ? { obfuscation: obfuscation() } : {}) }));
  const tail = [
    event('response.output_text.done', { ...where, text: plan.text, logprobs: [] }),
    event('response.content_part.done', { ...where, part: outputText(plan.text) }),
    event('response.output_item.done', { output_index: outputIndex, item: messageItem(reply, 'final') }),
    event(reply.incomplete ? 'response.incomplete' : 'response.completed', { response: responseObject(reply, 'final') }),
  ];
  return { head, content, tail };
}

/**
 * `POST /v1/responses`: a `response` object, or its stream of semantic events. A reply cut at
 * `max_output_tokens` has status `incomplete` and ends with `response.incomplete`.
 */
export const responsesEndpoint: Endpoint = {
  provider: 'openai',
  handle({ body, script, now }) {
    const messages = responsesPrompt(body);
    const plan = planReply({
      script,
      requestModel: modelOf(body),
      countInput: () => countPromptTokens(messages),
      lastUserText: lastUserText(messages),
      maxOutputTokens: intField(body, 'max_output_tokens'),
    });
    const reply: ResponseReply = {
      body,
      plan,
      id: ids.response(),
      created: Math.floor(now() / 1000),
      messageId: ids.responseMessage(),
      reasoningId: isReasoningModel(plan.model) ? ids.responseReasoning() : null,
      incomplete: plan.truncated || script.finishReason === 'length' || script.finishReason === 'max_output_tokens',
    };
    if (body.stream === true) return { kind: 'sse', frames: responseStream(reply) };
    return { kind: 'json', status: 200, body: responseObject(reply, 'final') };
  },
};
