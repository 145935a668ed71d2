import type { ModelPrice } from '@pydantic/genai-prices';
import type { PriceFileEntry, PriceFileTier } from './types.js';

type Rate = ModelPrice[string];

/** A rate with the file's input-size tiers of `key`, in `@pydantic/genai-prices`' shape. */
function tiered(base: number, tiers: readonly PriceFileTier[] | undefined, key: keyof Omit<PriceFileTier, 'above'>): Rate {
  const steps = (tiers ?? []).filter((tier) => tier[key] !== undefined).map((tier) => ({ start: tier.above, price: tier[key]! }));
  return steps.length === 0 ? base : { base, tiers: steps.sort((a, b) => a.start - b.start) } as unknown as Rate;
}

/**
 * A price-file entry as `@pydantic/genai-prices` rates, so that the user's prices go through the
 * same calculation as the database's. Rates the calculation needs to keep its parts apart
 * (cached audio, the 5-minute write beside a 1-hour one) are taken from the nearest rate given. Pure.
 */
export function fileRates(entry: PriceFileEntry): ModelPrice {
  const { tiers } = entry;
  const rates: ModelPrice = { input_mtok: tiered(entry.input, tiers, 'input') };
  const cacheWrite = entry.cacheWrite ?? (entry.cacheWrite1h !== undefined ? entry.input : undefined);
  if (entry.output !== undefined || entry.outputAudio !== undefined) rates.output_mtok = tiered(entry.output ?? 0, tiers, 'output');
  if (entry.cachedInput !== undefined) rates.cache_read_mtok = tiered(entry.cachedInput, tiers, 'cachedInput');
  if (cacheWrite !== undefined) rates.cache_write_mtok = tiered(cacheWrite, tiers, 'cacheWrite');
  if (entry.cacheWrite1h !== undefined) rates.cache_write_1h_mtok = tiered(entry.cacheWrite1h, tiers, 'cacheWrite1h');
  if (entry.inputAudio !== undefined) {
    rates.input_audio_mtok = entry.inputAudio;
    if (entry.cachedInput !== undefined) rates.cache_audio_read_mtok = entry.cachedInput;
    if (cacheWrite !== undefined) rates.cache_audio_write_mtok = cacheWrite;
    if (entry.cacheWrite1h !== undefined) rates.cache_audio_write_1h_mtok = entry.cacheWrite1h;
  }
  if (entry.outputAudio !== undefined) rates.output_audio_mtok = entry.outputAudio;
  // The database prices requests and tool calls per thousand.
  if (entry.perRequest !== undefined) rates.requests_kcount = entry.perRequest * 1000;
  if (entry.perCall?.webSearch !== undefined) rates.web_searches_kcount = entry.perCall.webSearch * 1000;
  if (entry.perCall?.fileSearch !== undefined) rates.storage_searches_kcount = entry.perCall.fileSearch * 1000;
  if (entry.perCall?.codeExecution !== undefined) rates.code_executions_kcount = entry.perCall.codeExecution * 1000;
  return rates;
}
