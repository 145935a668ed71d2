import { DEFAULT_REASONING_TOKENS, isReasoningModel, responseModelFor } from './models.js';
import { supportReply } from './replies.js';
import { countTokens, truncateToTokens } from './tokenizer.js';
import type { SimScript, SimUsage } from './types.js';

/** A {@link SimUsage} with every part present. */
export type FullSimUsage = Required<SimUsage>;

/** What the simulator will answer, before it is rendered into a provider's shape. */
export interface ReplyPlan {
  /** The model named in the response. */
  model: string;
  /** The full reply text (cut short when `truncated`). */
  text: string;
  /** `text` split into the content chunks of a stream. */
  pieces: string[];
  /** The usage to report, or `null` when the script says to omit it. */
  usage: FullSimUsage | null;
  /** True when the reply was cut at the request's output token limit. */
  truncated: boolean;
  /** A usage object to send as scripted, instead of rendering `usage`. */
  rawUsage?: Record<string, unknown> | undefined;
  /** The response's service tier. */
  serviceTier: string;
  /** Responses API output items before the message. */
  outputItems: unknown[];
}

/** Options of {@link planReply}. */
export interface PlanReplyOptions {
  script: SimScript;
  /** The requested model. */
  requestModel: string;
  /** Counts the request's input tokens; called only when the script does not set usage. */
  countInput: () => number;
  /** The text the default responder answers. */
  lastUserText: string;
  /** The request's output token limit, if it set one. */
  maxOutputTokens?: number;
  /** The reasoning tokens of an unscripted reply, instead of the model's default (Gemini's `thinkingBudget: 0` turns them off). */
  reasoningTokens?: number;
}

/**
 * Decides the reply text, its usage and its stream chunks from a script and a request.
 *
 * Without scripted usage, input is `countInput()` and output is the tiktoken count of the reply
 * plus {@link DEFAULT_REASONING_TOKENS} for reasoning models; a reply longer than
 * `maxOutputTokens` is cut there, as a real model would be.
 */
export function planReply(options: PlanReplyOptions): ReplyPlan {
  const { script, requestModel, countInput, maxOutputTokens } = options;
  const model = script.model ?? responseModelFor(requestModel);
  let text = script.text ?? supportReply(options.lastUserText);
  let truncated = false;
  let usage: FullSimUsage;
  if (script.usage) {
    usage = { cacheRead: 0, cacheWrite: 0, reasoning: 0, ...script.usage };
  } else {
    let reasoning = options.reasoningTokens ?? (isReasoningModel(model) ? DEFAULT_REASONING_TOKENS : 0);
    let visible = countTokens(text);
    if (maxOutputTokens !== undefined && reasoning + visible > maxOutputTokens) {
      // Reasoning is spent first and counts against the limit, as on the real API.
      reasoning = Math.min(reasoning, maxOutputTokens);
      visible = maxOutputTokens - reasoning;
      text = truncateToTokens(text, visible);
      truncated = true;
    }
    usage = { input: countInput(), cacheRead: 0, cacheWrite: 0, output: reasoning + visible, reasoning };
  }
  return {
    model, text, pieces: splitIntoChunks(text, script.chunks), usage: script.omitUsage ? null : usage, truncated,
    rawUsage: script.omitUsage ? undefined : script.rawUsage, serviceTier: script.serviceTier ?? 'default', outputItems: script.outputItems ?? [],
  };
}

/**
 * Splits `text` into stream chunks: one per word (with its leading whitespace, as real models
 * stream `" how"`), or into `count` pieces of whole words — of characters when there are fewer
 * words than `count`. Joining the chunks gives back `text`.
 */
export function splitIntoChunks(text: string, count?: number): string[] {
  if (text === '') return [];
  const words = text.match(/\s*\S+/g) ?? [text];
  const rest = text.slice(words.join('').length);
  if (rest !== '') words[words.length - 1] += rest;
  if (count === undefined || count === words.length) return words;
  const chars = [...text];
  const n = Math.max(1, Math.min(Math.floor(count), chars.length));
  const units = n > words.length ? chars : words;
  const pieces: string[] = [];
  for (let i = 0; i < n; i++) {
    pieces.push(units.slice(Math.floor((i * units.length) / n), Math.floor(((i + 1) * units.length) / n)).join(''));
  }
  return pieces;
}
