import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { PriceFile } from './types.js';

/** The highest price accepted: $1 a token. Above it a price is a typo, and costs could overflow to Infinity. */
export const MAX_PRICE_PER_MILLION = 1_000_000;

/** The highest fee accepted per request or tool call, USD. */
export const MAX_FEE_PER_CALL = 1_000;

const perMillion = z.number().finite().nonnegative().max(MAX_PRICE_PER_MILLION, `must be at most ${MAX_PRICE_PER_MILLION} (USD per million tokens)`);
const perCall = z.number().finite().nonnegative().max(MAX_FEE_PER_CALL, `must be at most ${MAX_FEE_PER_CALL} (USD per call)`);

const tierSchema = z.strictObject({
  above: z.number().int().nonnegative(),
  input: perMillion.optional(),
  cachedInput: perMillion.optional(),
  cacheWrite: perMillion.optional(),
  cacheWrite1h: perMillion.optional(),
  output: perMillion.optional(),
});

const entrySchema = z.strictObject({
  input: perMillion,
  output: perMillion.optional(),
  cachedInput: perMillion.optional(),
  cacheWrite: perMillion.optional(),
  cacheWrite1h: perMillion.optional(),
  inputAudio: perMillion.optional(),
  outputAudio: perMillion.optional(),
  perRequest: perCall.optional(),
  perCall: z.strictObject({ webSearch: perCall.optional(), fileSearch: perCall.optional(), codeExecution: perCall.optional() }).optional(),
  tiers: z.array(tierSchema).optional(),
  serviceTiers: z.record(z.string().min(1), z.number().finite().nonnegative().max(100, 'must be at most 100 (a multiplier)')).optional(),
});

const priceFileSchema = z.strictObject({ models: z.record(z.string().min(1), entrySchema) });

/** The keys accepted at each level, for the message that refuses an unknown one. */
const ACCEPTED: Record<string, readonly string[]> = {
  root: ['models'],
  entry: Object.keys(entrySchema.shape),
  perCall: ['webSearch', 'fileSearch', 'codeExecution'],
  tier: Object.keys(tierSchema.shape),
};

function acceptedAt(path: readonly PropertyKey[]): readonly string[] {
  if (path.length === 0) return ACCEPTED.root!;
  if (path.at(-1) === 'perCall') return ACCEPTED.perCall!;
  if (path.at(-2) === 'tiers') return ACCEPTED.tier!;
  return ACCEPTED.entry!;
}

/** Validates a price-override object, throwing a {@link ConfigError} that names the bad entry. */
export function parsePriceFile(data: unknown, origin = 'prices'): PriceFile {
  const parsed = priceFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.map((key) => `"${key}"`).join(', ')} (accepted: ${acceptedAt(issue.path).join(', ')})`
        : issue.message;
    throw new ConfigError(
      `Invalid price file ${origin} at ${where}: ${message}. Expected {"models": {"<model>": {"input": 0.15, "cachedInput": 0.075, "output": 0.6}}} in USD per million tokens.`,
      { option: 'prices' },
    );
  }
  return parsed.data as PriceFile;
}

/** Reads and validates a price-override JSON file (`--prices`, `CPR_PRICES`). */
export function loadPriceFile(path: string): PriceFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`Cannot read the price file ${path} (--prices / CPR_PRICES): ${(cause as Error).message}`, { option: 'prices', cause });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`The price file ${path} is not valid JSON: ${(cause as Error).message}`, { option: 'prices', cause });
  }
  return parsePriceFile(data, path);
}
