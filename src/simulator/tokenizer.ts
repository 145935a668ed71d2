import { Tiktoken } from 'js-tiktoken/lite';
import o200k_base from 'js-tiktoken/ranks/o200k_base';

// Building the encoder parses the whole rank table (about half a second), so it is built once,
// on first use, and only by a process that actually counts tokens.
let encoder: Tiktoken | undefined;

function getEncoder(): Tiktoken {
  encoder ??= new Tiktoken(o200k_base);
  return encoder;
}

// Special-token strings such as `<|endoftext|>` in user text are counted as ordinary text, as the
// real APIs do, instead of making the encoder throw.
function encode(text: string): number[] {
  return getEncoder().encode(text, [], []);
}

/** Counts the o200k_base tokens of `text`. */
export function countTokens(text: string): number {
  return text === '' ? 0 : encode(text).length;
}

/** The longest prefix of `text` that is at most `maxTokens` o200k_base tokens. */
export function truncateToTokens(text: string, maxTokens: number): string {
  if (maxTokens <= 0) return '';
  const tokens = encode(text);
  return tokens.length <= maxTokens ? text : getEncoder().decode(tokens.slice(0, maxTokens));
}

/** A role and its text, as the prompt counter sees one message. */
export interface PromptMessage {
  role: string;
  text: string;
}

/**
 * Counts the input tokens of a chat prompt the way OpenAI's cookbook does: 3 tokens of framing
 * per message plus its role and text, and 3 more that prime the reply.
 *
 * @example
 * countPromptTokens([{ role: 'user', text: 'Hello' }]); // 3 + (3 + 1 + 1) = 8
 */
export function countPromptTokens(messages: readonly PromptMessage[]): number {
  let total = 3;
  for (const m of messages) total += 3 + countTokens(m.role) + countTokens(m.text);
  return total;
}
