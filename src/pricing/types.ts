/**
 * The rates one call was priced with, in USD per million tokens (per-call fees in USD per call).
 * `cachedInput` and `cacheWrite` are `null` when the source has none; the cost rules then bill
 * those tokens at `input`.
 */
export interface UnitPrices {
  input: number;
  cachedInput: number | null;
  cacheWrite: number | null;
  output: number;
  /**
   * Where the prices came from: `override:<key>` for the user's file, `genai-prices:<provider>/<model>`
   * for the bundled database; followed by `+tier:<name>` when a service tier changed them.
   */
  source: string;
  /**
   * Every rate used, as `@pydantic/genai-prices` names them (`input_mtok`, `cache_write_1h_mtok`,
   * `input_audio_mtok`, `web_searches_kcount`...), tiers resolved for the call. Absent on rows
   * recorded before it was kept.
   */
  rates?: Record<string, number>;
  /** The `@pydantic/genai-prices` version the call was priced with. */
  pricesVersion?: string;
}

/** Rates that change with the size of the input: from `above` input tokens, for the whole call. */
export interface PriceFileTier {
  above: number;
  input?: number;
  cachedInput?: number;
  cacheWrite?: number;
  cacheWrite1h?: number;
  output?: number;
}

/** One model's entry of the price file. USD per million tokens; fees in USD per request or per call. */
export interface PriceFileEntry {
  input: number;
  /** Absent for a model with no output (an embedding model). */
  output?: number;
  cachedInput?: number;
  /** Cache writes (Anthropic's 5-minute ones, or the only kind). */
  cacheWrite?: number;
  /** 1-hour cache writes. */
  cacheWrite1h?: number;
  inputAudio?: number;
  outputAudio?: number;
  /** USD per request. */
  perRequest?: number;
  /** USD per server-side tool call. */
  perCall?: { webSearch?: number; fileSearch?: number; codeExecution?: number };
  /** Input-size tiers. */
  tiers?: PriceFileTier[];
  /** Multipliers of the token rates per service tier (`{"flex": 0.5, "priority": 2}`). */
  serviceTiers?: Record<string, number>;
}

/**
 * The user's price file: keyed by model name (which also prices that model's dated snapshots),
 * or by a name ending in `*` (an explicit prefix).
 */
export interface PriceFile {
  models: Record<string, PriceFileEntry>;
}
