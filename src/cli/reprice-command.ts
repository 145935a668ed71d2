import type { Command } from 'commander';
import type { CallLedger } from '../ledger/ledger.js';
import { PriceBook } from '../pricing/price-book.js';
import { loadPriceFile } from '../pricing/price-file.js';
import { repriceCalls } from '../pricing/reprice.js';
import { parseInstant } from '../reports/report-options.js';
import { DB_OPTION_HELP, ledgerPathOf } from './ledger-path.js';
import { openCommandLedger, requireLedger } from './command-ledger.js';

/** Adds `cpr-meter reprice`: recompute stored costs with the current prices. */
export function registerRepriceCommand(program: Command, { openLedger }: { openLedger: (db: string) => Promise<CallLedger> }): void {
  program
    .command('reprice')
    .description('Recompute the cost of stored calls with the current prices (bundled + overrides)')
    .option('--db <ledger>', DB_OPTION_HELP)
    .option('--prices <file>', 'JSON file of price overrides, USD per million tokens (env CPR_PRICES, default: bundled prices only)')
    .option('--from <time>', 'calls started at or after: 2026-10-01 or an ISO 8601 date-time with zone (default: the first call)')
    .option('--to <time>', 'calls started before (default: now)')
    .action(async (options: { db?: string; prices?: string; from?: string; to?: string }) => {
      const pricesFile = options.prices ?? process.env.CPR_PRICES;
      const prices = new PriceBook({ overrides: pricesFile ? loadPriceFile(pricesFile) : undefined });
      const window = {
        from: options.from ? parseInstant(options.from, 'from') : 0,
        to: options.to ? parseInstant(options.to, 'to') : Date.now() + 1,
      };
      const path = ledgerPathOf(options.db, process.env);
      requireLedger(path);
      const ledger = await openCommandLedger(path, openLedger);
      try {
        const result = await repriceCalls({ ledger, prices, window });
        process.stdout.write(`repriced: ${result.examined} calls examined, ${result.updated} updated, ${result.unpriced} still unpriced\n`);
      } finally {
        await ledger.close();
      }
    });
}
