import type { Logger } from '../logging/logger.js';
import type { PriceFile } from '../pricing/types.js';

/**
 * Options of {@link createMeter}. Each resolves as: the option, then its environment variable,
 * then the default — the same variables as `cpr-meter serve`, so both share one ledger.
 */
export interface MeterOptions {
  /** Ledger: a SQLite file, or a `postgres://` URL shared with a fleet. Env `CPR_DB`. Default `./cpr-meter.db`. */
  db?: string;
  /** PostgreSQL ledger: connections in the pool. Env `CPR_DB_POOL_SIZE`. Default 10. */
  dbPoolSize?: number;
  /** PostgreSQL ledger: the longest a call's row waits for its commit before it goes to the retry buffer, ms. Env `CPR_COMMIT_WAIT_MS`. Default 500. */
  commitWaitMs?: number;
  /** Price overrides: a JSON file path, or the same object as the file. Env `CPR_PRICES`. Default: bundled prices only. */
  prices?: string | PriceFile;
  /**
   * Fully loaded cost of a human agent hour, USD, stored in the ledger: since always when it has
   * no rate yet, from now on when its rate in effect differs (human work is costed at the rate in
   * effect when it was done). Env `CPR_HUMAN_HOURLY_RATE`. Default: the ledger's rates (40 until one is set).
   */
  humanHourlyRate?: number;
  /** Where failures are logged. Default: JSON lines on stderr at `warn`. */
  logger?: Logger;
  /** Clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /**
   * The longest a recorded call waits to be written, ms: the calls made meanwhile are written
   * together, in one transaction (a transaction per call would cost more than all the rest of
   * recording). A report asked of the meter, and `close()`, write the waiting calls first. A
   * process that dies loses the calls still waiting. 0 writes the calls of each turn of the
   * event loop together at the end of that turn. No environment variable. Default 100.
   */
  commitDelayMs?: number;
  /** Environment to read defaults from. Default `process.env`. */
  env?: Record<string, string | undefined>;
}
