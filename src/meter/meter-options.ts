import type { Logger } from '../logging/logger.js';
import type { PriceFile } from '../pricing/types.js';

/**
 * Options of {@link createMeter}. Each resolves as: the option, then its environment variable,
 * then the default — the same variables as `cpr-meter serve`, so both share one ledger.
 */
export interface MeterOptions {
  /** Ledger file. Env `CPR_DB`. Default `./cpr-meter.db`. */
  db?: string;
  /** Price overrides: a JSON file path, or the same object as the file. Env `CPR_PRICES`. Default: bundled prices only. */
  prices?: string | PriceFile;
  /** Fully loaded cost of a human agent hour, USD. Env `CPR_HUMAN_HOURLY_RATE`. Default 40. */
  humanHourlyRate?: number;
  /** Where failures are logged. Default: JSON lines on stderr at `warn`. */
  logger?: Logger;
  /** Clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Environment to read defaults from. Default `process.env`. */
  env?: Record<string, string | undefined>;
}
