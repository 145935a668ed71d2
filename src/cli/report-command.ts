import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ValidationError } from '../errors.js';
import { buildReport } from '../reports/build-report.js';
import { parseHourlyRate } from '../reports/report-options.js';
import { REPORT_FORMATS, formatReport } from '../reports/format-report.js';
import type { ReportFormat } from '../reports/format-report.js';
import type { TicketLedger } from '../ledger/ticket-ledger.js';
import { DB_OPTION_HELP, ledgerPathOf } from './ledger-path.js';
import { openCommandLedger, requireLedger } from './command-ledger.js';

/** A writable stream as the commands use it (`process.stdout`, `process.stderr`, or a test's). */
export interface CliOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * What the report and ingest commands need from the program that registers them. Only
 * `openLedger` is required; the rest default to the process's own.
 */
export interface TicketCommandDeps {
  /** Opens the ledger at a path or PostgreSQL URL (creating it when missing) with migrations applied. */
  openLedger: (dbPath: string) => Promise<TicketLedger & { close(): Promise<void> }>;
  /** Environment for defaults (`CPR_DB`, `CPR_HUMAN_BASELINE_CPR`). Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  stdout?: CliOutput;
  stderr?: CliOutput;
}

export { DEFAULT_DB_PATH } from './ledger-path.js';


interface ReportCommandOptions {
  db?: string;
  from?: string;
  to?: string;
  groupBy?: string;
  format?: string;
  out?: string;
  humanHourlyRate?: string;
  humanBaselineCpr?: string;
}

const OPTION_NAMES: Record<string, string> = { from: '--from', to: '--to', groupBy: '--group-by', humanBaselineCprUsd: '--human-baseline-cpr' };

/**
 * Adds `cpr-meter report`: the cost-per-resolution report of a window (default: the last 30
 * days) as a table, JSON, CSV or self-contained HTML, to stdout or `--out FILE`.
 * Options resolve as option, then environment variable, then default.
 */
export function registerReportCommand(program: Command, deps: TicketCommandDeps): void {
  program
    .command('report')
    .description('Cost per resolution, AI journey vs human-only, for a window (default: the last 30 days)')
    .option('--db <ledger>', DB_OPTION_HELP)
    .option('--from <date>', 'window start, inclusive: 2026-10-01 or an ISO 8601 date-time with zone (default: 30 days before --to)')
    .option('--to <date>', 'window end, exclusive (default: now)')
    .option('--group-by <key>', 'category, channel, customer, day, week (ISO, e.g. 2026-W45) or month (default: no breakdown)')
    .option('--format <format>', `${REPORT_FORMATS.join(', ')} (default table)`)
    .option('--out <file>', 'write to FILE instead of stdout')
    .option('--human-hourly-rate <usd>', 'USD per hour for all human work without an amount, for this report only, instead of '
      + 'the ledger\'s rates (see cpr-meter settings); the report says so')
    .option('--human-baseline-cpr <usd>', 'human cost per resolution before the bot, to estimate savings against (env CPR_HUMAN_BASELINE_CPR, '
      + 'default: the ledger\'s human-baseline-cpr setting, else the window\'s human-only CPR)')
    .action(async (options: ReportCommandOptions) => {
      const env = deps.env ?? process.env;
      const stdout = deps.stdout ?? process.stdout;
      const stderr = deps.stderr ?? process.stderr;
      const format = options.format ?? 'table';
      if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
        throw new ValidationError(`--format must be one of ${REPORT_FORMATS.join(', ')}; got "${format}".`, { field: '--format' });
      }
      const dbPath = ledgerPathOf(options.db, env);
      requireLedger(dbPath);
      // The ledger's rates, unless this report is given its own (CPR_HUMAN_HOURLY_RATE sets the ledger's, through serve).
      const humanHourlyRate = options.humanHourlyRate === undefined ? undefined
        : parseHourlyRate(options.humanHourlyRate, '--human-hourly-rate');
      const ledger = await openCommandLedger(dbPath, deps.openLedger);
      try {
        // The baseline: the option, else the environment variable; a bad value is named by where it came from.
        const baselineFromEnv = options.humanBaselineCpr === undefined && (env.CPR_HUMAN_BASELINE_CPR ?? '') !== '';
        const report = await buildReport(ledger, {
          options: { from: options.from, to: options.to, groupBy: options.groupBy,
            humanBaselineCprUsd: options.humanBaselineCpr ?? env.CPR_HUMAN_BASELINE_CPR },
          humanHourlyRate,
          now: deps.now,
        }).catch((error: unknown) => {
          // Name the option as it is typed on the command line.
          if (error instanceof ValidationError && error.field !== null && error.field in OPTION_NAMES) {
            const name = error.field === 'humanBaselineCprUsd' && baselineFromEnv ? 'CPR_HUMAN_BASELINE_CPR' : OPTION_NAMES[error.field];
            throw new ValidationError(error.message.replace(`"${error.field}"`, name), { field: name });
          }
          throw error;
        });
        const text = formatReport(report, format as ReportFormat);
        if (options.out === undefined) stdout.write(text);
        else {
          writeOutFile(options.out, text);
          stderr.write(`Wrote the ${format} report to ${options.out}\n`);
        }
      } finally {
        await ledger.close();
      }
    });
}

/** Writes the report to `--out`; a path that cannot be written is a user error, named as such. */
function writeOutFile(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'its directory does not exist' : (cause as Error).message;
    throw new ValidationError(`Cannot write --out ${path}: ${reason}.`, { field: '--out', cause });
  }
}
