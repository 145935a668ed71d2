import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { PriceFile } from './types.js';

/** The highest price accepted: $1 a token. Above it a price is a typo, and costs could overflow to Infinity. */
export const MAX_PRICE_PER_MILLION = 1_000_000;

const perMillion = z.number().finite().nonnegative().max(MAX_PRICE_PER_MILLION, `must be at most ${MAX_PRICE_PER_MILLION} (USD per million tokens)`);

const priceFileSchema = z.object({
  models: z.record(
    z.string().min(1),
    z.object({ input: perMillion, cachedInput: perMillion.optional(), cacheWrite: perMillion.optional(), output: perMillion }),
  ),
});

/** Validates a price-override object, throwing a {@link ConfigError} that names the bad entry. */
export function parsePriceFile(data: unknown, origin = 'prices'): PriceFile {
  const parsed = priceFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    throw new ConfigError(
      `Invalid price file ${origin} at ${where}: ${issue.message}. Expected {"models": {"<model>": {"input": 0.15, "cachedInput": 0.075, "output": 0.6}}} in USD per million tokens.`,
      { option: 'prices' },
    );
  }
  return parsed.data;
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
