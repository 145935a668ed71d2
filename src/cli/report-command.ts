import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ValidationError } from '../errors.js';
import { buildReport } from '../reports/build-report.js';
import { REPORT_FORMATS, formatReport } from '../reports/format-report.js';
import type { ReportFormat } from '../reports/format-report.js';
import type { TicketLedger } from '../ledger/ticket-ledger.js';

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
  /** Opens the ledger at a path (creating it when missing) with migrations applied. */
  openLedger: (dbPath: string) => Promise<TicketLedger & { close(): Promise<void> }>;
  /** Environment for defaults (`CPR_DB`, `CPR_HUMAN_HOURLY_RATE`, `CPR_HUMAN_BASELINE_CPR`). Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  stdout?: CliOutput;
  stderr?: CliOutput;
}

/** Default ledger file when neither `--db` nor `CPR_DB` is given. */
export const DEFAULT_DB_PATH = './cpr-meter.db';

/** Default USD per hour of human work when neither `--human-hourly-rate` nor `CPR_HUMAN_HOURLY_RATE` is given. */
export const DEFAULT_HUMAN_HOURLY_RATE = 40;

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
    .option('--db <file>', `SQLite ledger file (env CPR_DB, default ${DEFAULT_DB_PATH})`)
    .option('--from <date>', 'window start, inclusive: 2026-10-01 or an ISO 8601 date-time with zone (default: 30 days before --to)')
    .option('--to <date>', 'window end, exclusive (default: now)')
    .option('--group-by <key>', 'category, channel, customer, day, week (ISO, e.g. 2026-W45) or month')
    .option('--format <format>', `${REPORT_FORMATS.join(', ')} (default table)`)
    .option('--out <file>', 'write to FILE instead of stdout')
    .option('--human-hourly-rate <usd>', `USD per hour of human work without an amount (env CPR_HUMAN_HOURLY_RATE, default ${DEFAULT_HUMAN_HOURLY_RATE})`)
    .option('--human-baseline-cpr <usd>', 'human cost per resolution before the bot, to estimate savings against (env CPR_HUMAN_BASELINE_CPR, default: the window\'s human-only CPR)')
    .action(async (options: ReportCommandOptions) => {
      const env = deps.env ?? process.env;
      const stdout = deps.stdout ?? process.stdout;
      const stderr = deps.stderr ?? process.stderr;
      const format = options.format ?? 'table';
      if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
        throw new ValidationError(`--format must be one of ${REPORT_FORMATS.join(', ')}; got "${format}".`, { field: '--format' });
      }
      const humanHourlyRate = parseRate(options.humanHourlyRate, env.CPR_HUMAN_HOURLY_RATE);
      const ledger = await deps.openLedger(options.db ?? env.CPR_DB ?? DEFAULT_DB_PATH);
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
          writeFileSync(options.out, text);
          stderr.write(`Wrote the ${format} report to ${options.out}\n`);
        }
      } finally {
        await ledger.close();
      }
    });
}

/** The hourly rate: the option, else the environment variable, else the default; a bad value names its source. */
export function parseRate(option: string | undefined, envValue: string | undefined): number {
  const [source, raw] = option !== undefined ? ['--human-hourly-rate', option]
    : envValue !== undefined && envValue !== '' ? ['CPR_HUMAN_HOURLY_RATE', envValue] : [null, null];
  if (source === null) return DEFAULT_HUMAN_HOURLY_RATE;
  const rate = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(rate) || rate < 0) {
    throw new ValidationError(`${source} must be a number of USD per hour >= 0; got "${raw}".`, { field: source });
  }
  return rate;
}
