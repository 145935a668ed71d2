import type { PromptMessage } from './tokenizer.js';

/** A parsed JSON request body; the simulator reads it leniently, as the shapes vary by endpoint. */
export type RequestBody = Record<string, unknown>;

/**
 * The plain text of a message's content in any of the providers' shapes: a string, an array of
 * parts (`{type:'text'|'input_text'|'output_text', text}`), tool results and tool inputs.
 */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).filter((t) => t !== '').join('\n');
  if (value === null || typeof value !== 'object') return '';
  const part = value as Record<string, unknown>;
  if (typeof part.text === 'string') return part.text;
  if (part.content !== undefined && part.content !== null) return textOf(part.content);
  if (typeof part.output === 'string') return part.output;
  if (typeof part.arguments === 'string') return `${String(part.name ?? '')}${part.arguments}`;
  if (part.input !== undefined) return JSON.stringify(part.input);
  return '';
}

function messagesOf(value: unknown): PromptMessage[] {
  if (!Array.isArray(value)) return [];
  return value.map((item: unknown) => {
    const m = (item ?? {}) as Record<string, unknown>;
    let text = textOf(m.content ?? (m.type === 'message' ? '' : m));
    // An assistant turn that only called tools has null content; its calls are still input.
    if (Array.isArray(m.tool_calls)) text += m.tool_calls.map((c) => textOf((c as { function?: unknown }).function)).join('');
    return { role: typeof m.role === 'string' ? m.role : String(m.type ?? 'user'), text };
  });
}

/** The prompt of a chat completion request (`messages`). */
export function chatPrompt(body: RequestBody): PromptMessage[] {
  return messagesOf(body.messages);
}

/** The prompt of a Responses API request (`instructions` plus `input`, a string or items). */
export function responsesPrompt(body: RequestBody): PromptMessage[] {
  const system: PromptMessage[] = typeof body.instructions === 'string' ? [{ role: 'system', text: body.instructions }] : [];
  const input = typeof body.input === 'string' ? [{ role: 'user', text: body.input }] : messagesOf(body.input);
  return [...system, ...input];
}

/** The prompt of an Anthropic Messages request (`system` plus `messages`). */
export function anthropicPrompt(body: RequestBody): PromptMessage[] {
  const systemText = textOf(body.system);
  const system: PromptMessage[] = systemText === '' ? [] : [{ role: 'system', text: systemText }];
  return [...system, ...messagesOf(body.messages)];
}

/** The text of the last user message, which the default responder answers. */
export function lastUserText(messages: readonly PromptMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'user') return messages[i].text;
  return messages.at(-1)?.text ?? '';
}

/**
 * The inputs of an embeddings or legacy completions request as a list: a string, an array of
 * strings, an array of token ids, or an array of arrays of token ids. Token arrays are returned
 * as their token counts.
 */
export function inputsOf(value: unknown): Array<string | number> {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return [];
  if (value.every((v) => typeof v === 'number')) return [value.length];
  return value.map((v: unknown) => (Array.isArray(v) ? v.length : typeof v === 'string' ? v : textOf(v)));
}
