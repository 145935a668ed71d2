import type { Operation, Provider } from './types.js';
import { mergeAnthropicUsage, parseUsage } from './parse-usage.js';
import { geminiModelName } from './gemini-model-name.js';
import { geminiText } from './output-text.js';
import { finishReasonsOf, geminiFinishReasons, type ResponseFacts } from './read-response.js';
import { withResponseBilling } from './response-billing.js';
import { everyNull, isStringAt, jsonKey, stringAt, valueOf, type JsonKey } from './json-skim.js';

/** One server-sent event: its name (unused by the tally) and its data. */
export interface SseEvent {
  event?: string | undefined;
  data: string;
}

/** Terminal events of a Responses API stream that carry the final response and its usage. */
const RESPONSE_TERMINALS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

const OPEN_BRACE = 123;

const ID = jsonKey('id');
const MODEL = jsonKey('model');
const USAGE = jsonKey('usage');
const FINISH_REASON = jsonKey('finish_reason');
const CONTENT = jsonKey('content');
const TEXT = jsonKey('text');
const TYPE = jsonKey('type');
const DELTA = jsonKey('delta');
const RESPONSE = jsonKey('response');

/** The keys of an Anthropic `content_block_delta` that carry its text, first present first. */
const ANTHROPIC_DELTA_TEXT = [TEXT, jsonKey('thinking'), jsonKey('partial_json')];

/** Text pieces kept before they are joined into one (so that short slices do not keep whole chunks alive). */
const TEXT_PIECES = 1024;

/**
 * Tallies a streamed response event by event: model, id, finish reasons, usage where the
 * provider puts it (chat: the last chunk; responses: `response.completed` / `.incomplete` /
 * `.failed`; Anthropic: `message_start` then `message_delta`, later values replacing earlier ones),
 * and the text streamed so far, for estimating output tokens when the stream is cut short.
 * Never throws on malformed events: they are skipped.
 *
 * Most events only add text: those are skimmed (see `json-skim.ts`), and only events that may
 * change something else (a usage, a finish reason, a new model or id, a Responses API event
 * carrying its response, an Anthropic `message_*` event) are parsed. A skimmed event gives the
 * same model, id, usage and finish reasons as a parsed one. Its text is every `content` string
 * in it (else every `text` string: legacy completions), at whatever depth: the same text as a
 * parse gives for chunks shaped as providers shape them, and only ever used for an estimate.
 */
export class StreamTally {
  readonly #provider: Provider;
  readonly #operation: Operation;
  #model: string | null = null;
  #id: string | null = null;
  #finishReasons: string[] = [];
  #usage: unknown = null;
  /** What the response says about its billing outside `usage` (`service_tier`, Responses `output[]`). */
  #billing: Record<string, unknown> = {};
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
    return this.readData(event.data);
  }

  /** {@link read} with only the event's data (the only part the tally uses). */
  readData(text: string): boolean {
    if (text === '[DONE]') {
      this.ended = true;
      return false;
    }
    if (this.#provider !== 'gemini' && text.charCodeAt(0) === OPEN_BRACE && this.#skim(text)) return false;
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return false;
    }
    if (typeof data !== 'object' || data === null) return false;
    if (this.#provider === 'anthropic') this.#readAnthropic(data);
    else if (this.#provider === 'gemini') this.#readGemini(data);
    else if (this.#operation === 'responses') this.#readResponses(data);
    else return this.#readChunk(data);
    return false;
  }

  /** Reads an event without parsing it, when nothing but its text can change what is known; false: parse it. */
  #skim(json: string): boolean {
    if (this.#provider === 'anthropic') return this.#skimAnthropic(json);
    if (this.#operation === 'responses') return this.#skimResponses(json);
    return this.#skimChunk(json);
  }

  #skimChunk(json: string): boolean {
    if (this.#id === null && valueOf(json, ID) !== -1) return false;
    if (!everyNull(json, USAGE) || !everyNull(json, FINISH_REASON)) return false;
    for (let at = valueOf(json, MODEL); at !== -1; at = valueOf(json, MODEL, at)) {
      if (this.#model === null || !isStringAt(json, at, this.#model)) return false;
    }
    if (!this.#skimText(json, CONTENT)) this.#skimText(json, TEXT);
    return true;
  }

  #skimResponses(json: string): boolean {
    if (valueOf(json, RESPONSE) !== -1) return false;
    const type = valueOf(json, TYPE);
    if (type !== -1 && isStringAt(json, type, 'response.output_text.delta')) {
      const delta = valueOf(json, DELTA);
      if (delta !== -1 && valueOf(json, DELTA, delta) !== -1) return false;
      this.#pushText(stringAt(json, delta));
      return true;
    }
    // Without its response, an event changes nothing but by a text delta.
    return !json.includes('response.output_text.delta');
  }

  #skimAnthropic(json: string): boolean {
    // `message_start`, `message_delta`, `message_stop` carry the model, usage and end.
    if (json.includes('message_')) return false;
    const type = valueOf(json, TYPE);
    if (type !== -1 && isStringAt(json, type, 'content_block_delta')) {
      for (const key of ANTHROPIC_DELTA_TEXT) {
        const at = valueOf(json, key);
        if (at === -1 || json.startsWith('null', at)) continue;
        this.#pushText(stringAt(json, at));
        break;
      }
      return true;
    }
    return !json.includes('content_block_delta');
  }

  /** Adds every string value of `key` to the text; false when there was none. */
  #skimText(json: string, key: JsonKey): boolean {
    let found = false;
    for (let at = valueOf(json, key); at !== -1; at = valueOf(json, key, at)) {
      const text = stringAt(json, at);
      if (text === undefined) continue;
      this.#pushText(text);
      found = true;
    }
    return found;
  }

  #pushText(text: unknown): void {
    if (typeof text !== 'string') return;
    this.#text.push(text);
    if (this.#text.length >= TEXT_PIECES) this.#text = [this.#text.join('')];
  }

  #readChunk(chunk: Record<string, unknown>): boolean {
    this.#identify(chunk);
    if (chunk.usage != null) this.#usage = chunk.usage;
    if (typeof chunk.service_tier === 'string') this.#billing = { service_tier: chunk.service_tier };
    const choices = chunk.choices;
    if (!Array.isArray(choices)) return false;
    for (const choice of choices as Array<Record<string, unknown> | null>) {
      const delta = choice?.delta as Record<string, unknown> | undefined;
      const text = delta?.content ?? choice?.text;
      this.#pushText(text);
      const reason = choice?.finish_reason;
      if (typeof reason === 'string') this.#finishReasons.push(reason);
    }
    return choices.length === 0 && chunk.usage != null;
  }

  #readResponses(event: Record<string, unknown>): void {
    const type = event.type;
    if (type === 'response.output_text.delta') this.#pushText(event.delta);
    const response = event.response as Record<string, unknown> | undefined;
    if (typeof response === 'object' && response !== null) {
      this.#identify(response);
      if (RESPONSE_TERMINALS.has(type as string)) {
        this.ended = true;
        this.#usage = response.usage ?? this.#usage;
        this.#billing = response;
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
        this.#pushText(delta?.text ?? delta?.thinking ?? delta?.partial_json);
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

  // Every event of a Gemini stream is a whole `GenerateContentResponse`: its text is the next
  // piece, and its `usageMetadata` the usage so far (the last chunk's is the call's).
  #readGemini(chunk: Record<string, unknown>): void {
    if (typeof chunk.modelVersion === 'string' && chunk.modelVersion) this.#model = geminiModelName(chunk.modelVersion);
    if (typeof chunk.responseId === 'string' && chunk.responseId) this.#id ??= chunk.responseId;
    if (chunk.usageMetadata != null) this.#usage = chunk.usageMetadata;
    this.#pushText(geminiText(chunk));
    const reasons = geminiFinishReasons(chunk);
    if (reasons.length > 0) {
      this.#finishReasons = reasons;
      // Gemini sends no end marker: the chunk with the finish reason is the last.
      this.ended = true;
    }
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
      usage: withResponseBilling(parseUsage(this.#provider, this.#usage), this.#billing),
    };
  }

  /** The text streamed so far (for estimating output tokens of a cut-short stream). */
  text(): string {
    return this.#text.join('');
  }
}
