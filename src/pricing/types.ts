/**
 * Unit prices of one model, in USD per million tokens.
 * `cachedInput` and `cacheWrite` are `null` when the source has none; the cost rules then fall
 * back to `input`.
 */
export interface UnitPrices {
  input: number;
  cachedInput: number | null;
  cacheWrite: number | null;
  output: number;
  /** Where the prices came from: `override:<key>` for the user's file, `genai-prices:<provider>/<model>` for the bundled database. */
  source: string;
}

/** The user's price file: USD per million tokens, keyed by model name or name prefix. */
export interface PriceFile {
  models: Record<string, { input: number; cachedInput?: number; cacheWrite?: number; output: number }>;
}
