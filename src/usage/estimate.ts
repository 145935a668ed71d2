import o200kBase from 'js-tiktoken/ranks/o200k_base';
import { TokenCounter } from './token-counter.js';
import type { Operation } from './types.js';

let encoder: TokenCounter | undefined;

/**
 * Counts tokens with the `o200k_base` encoding (GPT-4o and later), bundled, offline. For other
 * models' tokenizers it is an estimate, and usage counted this way is flagged `estimated`.
 * The counter is built on first use (about 200 ms; see {@link warmTokenizer}).
 */
export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  return (encoder ??= new TokenCounter(o200kBase)).count(text);
}

/**
 * Builds the tokenizer now rather than on the first estimate (an aborted stream, an answer
 * without usage), so that that call does not pay its 200 ms or so. `serve` does this
 * right after it starts listening; an embedding server may call it at start-up.
 */
export function warmTokenizer(): void {
  encoder ??= new TokenCounter(o200kBase);
}

/** Collects every string under the keys that carry prompt text, however deeply nested. */
function collectText(value: unknown, into: string[], depth = 0): void {
  if (depth > 12 || value === null || value === undefined) return;
  if (typeof value === 'string') {
    into.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectText(item, into, depth + 1);
  } else if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    // Base64 images and audio are not text; skip their payloads.
    if (object.type === 'image_url' || object.type === 'input_image' || object.type === 'image' || object.type === 'input_audio') return;
    for (const key of ['content', 'text', 'input', 'instructions', 'prompt', 'system', 'messages', 'arguments', 'output', 'parts']) {
      if (key in object) collectText(object[key], into, depth + 1);
    }
  }
}

/** The request fields that hold the prompt, per operation. */
const PROMPT_FIELDS: Record<Operation, string[]> = {
  chat: ['messages'],
  responses: ['instructions', 'input'],
  // OpenAI's `input`; Gemini's `:embedContent` `content` and `:batchEmbedContents` `requests`.
  embeddings: ['input', 'content', 'requests'],
  completions: ['prompt'],
  messages: ['system', 'messages'],
  generate_content: ['systemInstruction', 'contents'],
};

/** Per-message framing tokens that chat formats add (OpenAI documents 3 per message plus 3). */
const PER_MESSAGE_OVERHEAD = 3;

/**
 * Estimates a request's input tokens from its body: the prompt text counted with
 * {@link countTokens}, plus chat framing. Used only when the provider reported no usage.
 */
export function estimateInputTokens(operation: Operation, body: unknown): number {
  if (typeof body !== 'object' || body === null) return 0;
  const record = body as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of PROMPT_FIELDS[operation]) collectText(record[key], parts);
  const turns = record.messages ?? record.contents;
  const messages = Array.isArray(turns) ? turns.length : 0;
  const framing = messages > 0 ? messages * PER_MESSAGE_OVERHEAD + 3 : 0;
  return countTokens(parts.join('\n')) + framing;
}
