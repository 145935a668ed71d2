/**
 * Token usage as the simulator is scripted with, before it is rendered into a provider's shape.
 *
 * `input` counts ALL input tokens, cached or not (`cacheRead` and `cacheWrite` are parts of it);
 * `output` counts ALL output tokens (`reasoning` is a part of it). The same convention as
 * `Usage` in `src/usage/types.ts`, so a test can script one and expect the other unchanged.
 *
 * @example
 * // Rendered for Anthropic as input_tokens 700 (= 1000 - 200 - 100),
 * // cache_read_input_tokens 200, cache_creation_input_tokens 100.
 * const usage: SimUsage = { input: 1000, cacheRead: 200, cacheWrite: 100, output: 50 };
 */
export interface SimUsage {
  input: number;
  cacheRead?: number;
  cacheWrite?: number;
  output: number;
  reasoning?: number;
}

/**
 * What the next request to the simulator should get. Every field is optional: an empty script
 * answers like the default responder.
 */
export interface SimScript {
  /** The assistant's reply. Default: a canned support answer chosen from the last user message. */
  text?: string;
  /** Usage to report instead of the tiktoken counts. Default: counted from the request and reply. */
  usage?: SimUsage;
  /** The model named in the response. Default: the requested model, aliases mapped to snapshots. */
  model?: string;
  /**
   * Answer with this error status (400 or more) and an error body in the provider's own shape;
   * with 429, also `retry-after: 1`. Defaults exist for 400, 401, 404, 429, 500 and 529.
   */
  status?: number;
  /** The error body to send with `status` (an object is sent as JSON, a string as is). */
  errorBody?: unknown;
  /** Extra response headers; they override the simulator's own, `retry-after` included. */
  headers?: Record<string, string>;
  /** Number of content chunks a stream is split into. Default: one per word. */
  chunks?: number;
  /** Delay before each content chunk of a stream, in milliseconds. Default 0. */
  chunkDelayMs?: number;
  /**
   * Stream this many content chunks, then send nothing more until the client goes away. A JSON
   * answer sends its headers and the first half of its body, then stalls.
   */
  stallAfterChunks?: number;
  /**
   * Stream this many content chunks, then destroy the socket (the upstream dies mid-stream). A
   * JSON answer sends its headers and the first half of its body, then dies.
   */
  destroyAfterChunks?: number;
  /** The finish reason to report, in the provider's vocabulary (`stop`, `length`, `end_turn`…). */
  finishReason?: string;
  /** Send no usage at all, like a provider that does not report it. */
  omitUsage?: boolean;
  /**
   * The `usage` object to send as it is, in a provider's documented shape (audio details, 1-hour
   * cache writes, `server_tool_use`, `cost`, `cost_in_usd_ticks`...), instead of one rendered
   * from `usage`. Streams carry it where the provider puts usage: the last chat chunk, the
   * terminal Responses event, Anthropic's `message_delta` (cumulative; `message_start` gets its
   * input counts with `output_tokens: 1`).
   */
  rawUsage?: Record<string, unknown>;
  /** The response's `service_tier` (OpenAI: on the response and on every chunk). Default `default`. */
  serviceTier?: string;
  /** Responses API `output[]` items put before the message (`{ type: 'web_search_call', ... }`). */
  outputItems?: unknown[];
}

/** One request as it reached the simulator. */
export interface RecordedRequest {
  method: string;
  /** The path with its query string, e.g. `/v1/chat/completions`. */
  path: string;
  /** Request headers, names lower-cased; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The raw request body. */
  body: string;
  /** True when the client closed the connection before the response ended. */
  aborted: boolean;
  /** True when the whole response was written. */
  completed: boolean;
}

/** Options of {@link startSimulatedUpstream}. */
export interface SimulatedUpstreamOptions {
  /** Port to listen on. Default 0: any free port. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** The clock, in milliseconds since the epoch, for `created` timestamps. Default `Date.now`. */
  now?: () => number;
}

/** A running simulated upstream. */
export interface SimulatedUpstream {
  /** Base URL for OpenAI clients, e.g. `http://127.0.0.1:PORT/v1`. */
  readonly openaiBaseUrl: string;
  /** Base URL for Anthropic clients, which POST to `{base}/v1/messages`. */
  readonly anthropicBaseUrl: string;
  /**
   * The `endpoint` for Azure OpenAI clients (`new AzureOpenAI({ endpoint, apiVersion })`), which
   * call `{endpoint}/openai/deployments/{deployment}/...?api-version=...` or `{endpoint}/openai/v1/...`.
   */
  readonly azureEndpoint: string;
  /**
   * Base URL for Gemini's native API (`new GoogleGenAI({ httpOptions: { baseUrl } })`), which
   * calls `{base}/v1beta/models/{model}:generateContent` and `:streamGenerateContent?alt=sse`;
   * also Vertex AI's (`new GoogleGenAI({ vertexai: true, ..., httpOptions: { baseUrl } })`), which
   * calls `{base}/v1beta1/projects/{p}/locations/{l}/publishers/google/models/{model}:generateContent`.
   */
  readonly geminiBaseUrl: string;
  /** Every request received since start or the last {@link SimulatedUpstream.reset}, in order. */
  readonly requests: RecordedRequest[];
  /** Queues scripts, first in first out; each request takes the next one. */
  enqueue(...scripts: SimScript[]): void;
  /** Forgets the recorded requests and the queued scripts. */
  reset(): void;
  /** Closes every connection, stalled streams included, and stops listening. */
  close(): Promise<void>;
}
