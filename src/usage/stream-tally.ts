import type { Operation, Provider } from './types.js';
import { mergeAnthropicUsage, parseUsage } from './parse-usage.js';
import { finishReasonsOf, type ResponseFacts } from './read-response.js';

/** One server-sent event, as `eventsource-parser` gives it. */
export interface SseEvent {
  event?: string | undefined;
  data: string;
}

/** Terminal events of a Responses API stream that carry the final response and its usage. */
const RESPONSE_TERMINALS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/**
 * Tallies a streamed response event by event: model, id, finish reasons, usage where the
 * provider puts it (chat: the last chunk; responses: `response.completed` / `.incomplete` /
 * `.failed`; Anthropic: `message_start` then `message_delta`, later values replacing earlier ones),
 * and the text streamed so far, for estimating output tokens when the stream is cut short.
 * Never throws on malformed events: they are skipped.
 */
export class StreamTally {
  readonly #provider: Provider;
  readonly #operation: Operation;
  #model: string | null = null;
  #id: string | null = null;
  #finishReasons: string[] = [];
  #usage: unknown = null;
  #anthropicUsage: Record<string, unknown> = {};
  #text: string[] = [];
  /** True once the stream's own end marker arrived (`[DONE]`, a terminal response event, `message_stop`). */
  ended = false;

  constructor(provider: Provider, operation: Operation) {
    this.#provider = provider;
    this.#operation = operation;
  }

  /**
   * Reads one event. Returns true when the event is a chat/completions chunk that carries only
   * usage (`choices: []`), which the proxy hides from clients that did not ask for usage.
   */
  read(event: SseEvent): boolean {
    if (event.data === '[DONE]') {
      this.ended = true;
      return false;
    }
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(event.data) as Record<string, unknown>;
    } catch {
      return false;
    }
    if (typeof data !== 'object' || data === null) return false;
    if (this.#provider === 'anthropic') this.#readAnthropic(data);
    else if (this.#operation === 'responses') this.#readResponses(data);
    else return this.#readChunk(data);
    return false;
  }

  #readChunk(chunk: Record<string, unknown>): boolean {
    this.#identify(chunk);
    if (chunk.usage != null) this.#usage = chunk.usage;
    const choices = chunk.choices;
    if (!Array.isArray(choices)) return false;
    for (const choice of choices as Array<Record<string, unknown> | null>) {
      const delta = choice?.delta as Record<string, unknown> | undefined;
      const text = delta?.content ?? choice?.text;
      if (typeof text === 'string') this.#text.push(text);
      const reason = choice?.finish_reason;
      if (typeof reason === 'string') this.#finishReasons.push(reason);
    }
    return choices.length === 0 && chunk.usage != null;
  }

  #readResponses(event: Record<string, unknown>): void {
    const type = event.type;
    if (type === 'response.output_text.delta' && typeof event.delta === 'string') this.#text.push(event.delta);
    const response = event.response as Record<string, unknown> | undefined;
    if (typeof response === 'object' && response !== null) {
      this.#identify(response);
      if (RESPONSE_TERMINALS.has(type as string)) {
        this.ended = true;
        this.#usage = response.usage ?? this.#usage;
        this.#finishReasons = finishReasonsOf('responses', response);
      }
    }
  }

  #readAnthropic(event: Record<string, unknown>): void {
    switch (event.type) {
      case 'message_start': {
        const message = event.message as Record<string, unknown> | undefined;
        if (message) {
          this.#identify(message);
          this.#anthropicUsage = mergeAnthropicUsage(this.#anthropicUsage, message.usage);
        }
        break;
      }
      case 'content_block_delta': {
        const delta = event.delta as Record<string, unknown> | undefined;
        const text = delta?.text ?? delta?.thinking ?? delta?.partial_json;
        if (typeof text === 'string') this.#text.push(text);
        break;
      }
      case 'message_delta': {
        this.#anthropicUsage = mergeAnthropicUsage(this.#anthropicUsage, event.usage);
        const reason = (event.delta as Record<string, unknown> | undefined)?.stop_reason;
        if (typeof reason === 'string') this.#finishReasons = [reason];
        break;
      }
      case 'message_stop':
        this.ended = true;
        break;
    }
    this.#usage = this.#anthropicUsage;
  }

  #identify(object: Record<string, unknown>): void {
    if (typeof object.model === 'string' && object.model) this.#model = object.model;
    if (typeof object.id === 'string' && object.id) this.#id ??= object.id;
  }

  /** What the stream said so far. */
  facts(): ResponseFacts {
    return {
      model: this.#model,
      id: this.#id,
      finishReasons: this.#finishReasons,
      usage: parseUsage(this.#provider, this.#usage),
    };
  }

  /** The text streamed so far (for estimating output tokens of a cut-short stream). */
  text(): string {
    return this.#text.join('');
  }
}
