import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { LedgerError, ValidationError } from '../errors.js';
import { DEFAULT_HUMAN_HOURLY_RATE, SETTING_NAMES, valueToAdopt } from '../ledger/settings.js';
import type { LedgerSetting, SettingName, SettingsLedger } from '../ledger/settings.js';
import { MAX_AMOUNT } from '../tickets/event-schema.js';
import { parseInstant } from '../reports/report-options.js';
import { formatUsd } from '../reports/format-values.js';
import { renderTextTable } from '../reports/text-table.js';
import { DB_OPTION_HELP, ledgerPathOf } from './ledger-path.js';
import { openCommandLedger } from './command-ledger.js';
import { isPostgresUrl } from './ledger-target.js';
import type { CliOutput } from './report-command.js';

/** What `cpr-meter settings` needs from the program that registers it. */
export interface SettingsCommandDeps {
  /** Opens an existing ledger (migrations applied). */
  openLedger: (dbPath: string) => Promise<SettingsLedger & { close(): Promise<void> }>;
  /** Environment for defaults (`CPR_DB`). Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  stdout?: CliOutput;
}

/** What each setting is, as `cpr-meter settings` prints it. */
const MEANING: Record<SettingName, string> = {
  'human-hourly-rate': `USD per hour of human work without an amount (default ${DEFAULT_HUMAN_HOURLY_RATE})`,
  'human-baseline-cpr': 'the human cost per resolution to compare with, USD (default: the human-only CPR)',
};

const when = (ms: number | null): string => (ms === null ? 'always' : new Date(ms).toISOString());

/** Settings as a table: each value and when it takes effect, the defaults of the settings never set. */
export function formatSettings(settings: readonly LedgerSetting[]): string {
  const rows = SETTING_NAMES.flatMap((name): string[][] => {
    const values = settings.filter((s) => s.name === name);
    if (values.length === 0) return [[name, '(not set)', '', '', MEANING[name]]];
    return values.map((s, i) => [i === 0 ? name : '', formatUsd(s.value), when(s.effectiveFrom), new Date(s.setAt).toISOString(),
      i === 0 ? MEANING[name] : '']);
  });
  return `${renderTextTable([{ header: 'setting' }, { header: 'value', align: 'right' }, { header: 'from' }, { header: 'set at' },
    { header: 'meaning' }], rows)}\n`;
}

/** `--from`, read by the one date parser, its errors naming the option as it is typed. */
function parseFrom(text: string): number {
  try {
    return parseInstant(text, 'from');
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(error.message.replace('"from"', '--from'), { field: '--from' });
  }
}

function parseName(name: string): SettingName {
  if ((SETTING_NAMES as readonly string[]).includes(name)) return name as SettingName;
  throw new ValidationError(`Unknown setting "${name}": expected ${SETTING_NAMES.join(' or ')}.`, { field: 'name' });
}

function parseValue(text: string, name: SettingName): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value) || value < 0 || value > MAX_AMOUNT) {
    throw new ValidationError(`Invalid value for ${name}: expected a number of USD from 0 to ${MAX_AMOUNT.toExponential()}, got "${text}".`,
      { field: 'value' });
  }
  return value;
}

/**
 * Adds `cpr-meter settings` (lists the ledger's settings) and `cpr-meter settings set NAME VALUE
 * [--from DATE]`: a value takes effect from `--from` (`always` for every time), by default since
 * always when the setting has none yet, else from now. Human work is costed at the rate in effect
 * when it was done.
 */
export function registerSettingsCommand(program: Command, deps: SettingsCommandDeps): void {
  const open = async (db: string | undefined) => {
    const path = ledgerPathOf(db, deps.env ?? process.env);
    if (path !== ':memory:' && !isPostgresUrl(path) && !existsSync(path)) {
      throw new LedgerError(`No ledger at ${path}: give --db (or CPR_DB), or start cpr-meter serve there first.`, { path });
    }
    return openCommandLedger(path, deps.openLedger);
  };
  const settings = program
    .command('settings')
    .description('The ledger\'s settings (human hourly rate, human baseline CPR): list them, or `settings set NAME VALUE`')
    .option('--db <ledger>', DB_OPTION_HELP)
    .action(async (options: { db?: string }) => {
      const ledger = await open(options.db);
      try {
        (deps.stdout ?? process.stdout).write(formatSettings(await ledger.readSettings()));
      } finally {
        await ledger.close();
      }
    });
  settings
    .command('set')
    .description(`Sets ${SETTING_NAMES.join(' or ')} from a date on (default: since always when not set yet, else from now)`)
    .argument('<name>', SETTING_NAMES.join(' or '))
    .argument('<value>', 'USD')
    .option('--from <date>', 'when it takes effect: 2026-01-01, an ISO 8601 date-time with zone, or "always"')
    .option('--db <ledger>', DB_OPTION_HELP)
    .action(async (nameText: string, valueText: string, options: { from?: string; db?: string }) => {
      const name = parseName(nameText);
      const value = parseValue(valueText, name);
      const from = options.from === undefined ? undefined : options.from === 'always' ? null : parseFrom(options.from);
      const now = (deps.now ?? Date.now)();
      const ledger = await open(options.db ?? settings.opts<{ db?: string }>().db);
      try {
        const stored = from === undefined
          ? valueToAdopt(await ledger.readSettings(name), { name, value, now })
          : { name, value, effectiveFrom: from, setAt: now };
        if (stored !== null) await ledger.writeSetting(stored);
        (deps.stdout ?? process.stdout).write(stored === null
          ? `${name} is already ${formatUsd(value)}; nothing changed.\n`
          : `${name} = ${formatUsd(value)} from ${when(stored.effectiveFrom)}\n`);
      } finally {
        await ledger.close();
      }
    });
}
