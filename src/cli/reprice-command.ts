import type { Command } from 'commander';
import { openSqliteLedger } from '../ledger/sqlite/sqlite-ledger.js';
import { PriceBook } from '../pricing/price-book.js';
import { loadPriceFile } from '../pricing/price-file.js';
import { repriceCalls } from '../pricing/reprice.js';
import { parseInstant } from '../reports/report-options.js';

/** Adds `cpr-meter reprice`: recompute stored costs with the current prices. */
export function registerRepriceCommand(program: Command): void {
  program
    .command('reprice')
    .description('Recompute the cost of stored calls with the current prices (bundled + overrides)')
    .option('--db <file>', 'SQLite ledger file (env CPR_DB, default ./cpr-meter.db)')
    .option('--prices <file>', 'JSON file of price overrides (env CPR_PRICES)')
    .option('--from <time>', 'ISO 8601 start (inclusive); default: the beginning')
    .option('--to <time>', 'ISO 8601 end (exclusive); default: now')
    .action(async (options: { db?: string; prices?: string; from?: string; to?: string }) => {
      const pricesFile = options.prices ?? process.env.CPR_PRICES;
      const prices = new PriceBook({ overrides: pricesFile ? loadPriceFile(pricesFile) : undefined });
      const ledger = openSqliteLedger({ path: options.db ?? process.env.CPR_DB ?? './cpr-meter.db' });
      try {
        const window = {
          from: options.from ? parseInstant(options.from, 'from') : 0,
          to: options.to ? parseInstant(options.to, 'to') : Date.now() + 1,
        };
        const result = await repriceCalls({ ledger, prices, window });
        process.stdout.write(`repriced: ${result.examined} calls examined, ${result.updated} updated, ${result.unpriced} still unpriced\n`);
      } finally {
        await ledger.close();
      }
    });
}
