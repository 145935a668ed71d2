import type { Command } from 'commander';
import { TicketNotFoundError, ValidationError } from '../errors.js';
import type { Ledger } from '../ledger/open-ledger.js';
import { TICKET_PATH_FILTERS, type TicketExplorer, type TicketPathFilter } from '../ledger/ticket-explorer.js';
import { parseHourlyRate, resolveReportOptions } from '../reports/report-options.js';
import { formatTicketPage, formatTicketTimeline } from './format-tickets.js';
import { DB_OPTION_HELP, ledgerPathOf } from './ledger-path.js';
import { openCommandLedger, requireLedger } from './command-ledger.js';
import type { CliOutput } from './report-command.js';

/** What `tickets` and `ticket` need: a ledger (SQLite or PostgreSQL: they read its kept tickets), and the process's defaults. */
export interface TicketsCommandDeps {
  openLedger: (db: string) => Promise<Ledger>;
  env?: Record<string, string | undefined>;
  now?: () => number;
  stdout?: CliOutput;
}

interface WindowOptions {
  db?: string;
  from?: string;
  to?: string;
  humanHourlyRate?: string;
  format?: string;
}

interface TicketsOptions extends WindowOptions {
  sort?: string;
  order?: string;
  path?: string;
  category?: string;
  channel?: string;
  customer?: string;
  limit?: string;
  offset?: string;
}

const windowOptions = (command: Command): Command => command
  .option('--db <ledger>', DB_OPTION_HELP)
  .option('--from <date>', 'window start, inclusive (default: 30 days before --to)')
  .option('--to <date>', 'window end, exclusive (default: now)')
  .option('--human-hourly-rate <usd>', 'USD per hour for all human work without an amount, instead of the ledger\'s rates '
    + '(see cpr-meter settings), as in cpr-meter report')
  .option('--format <format>', 'table or json (default table)');

/**
 * Adds `cpr-meter tickets` (the tickets in scope of a window, costliest first by default, a
 * page at a time, filtered by path, category, channel or customer) and `cpr-meter ticket ID`
 * (one ticket's timeline and its loaded cost split): what `GET /api/tickets` and
 * `GET /api/tickets/:id` answer, from the same code.
 */
export function registerTicketsCommands(program: Command, deps: TicketsCommandDeps): void {
  windowOptions(program.command('tickets').description('The tickets of a window, costliest first: loaded cost = LLM + human work + shares'))
    .option('--sort <key>', 'cost (loaded cost) or time (default cost)')
    .option('--order <order>', 'desc or asc (default desc)')
    .option('--path <path>', `${TICKET_PATH_FILTERS.join(', ')}`)
    .option('--category <name>', 'only this category ((none): without one)')
    .option('--channel <name>', 'only this channel')
    .option('--customer <id>', 'only this customer')
    .option('--limit <n>', 'tickets per page, 1 to 200 (default 20)')
    .option('--offset <n>', 'tickets to skip (default 0)')
    .action(async (options: TicketsOptions) => {
      const sort = choice('--sort', options.sort, ['cost', 'time'] as const) ?? 'cost';
      const order = choice('--order', options.order, ['desc', 'asc'] as const) ?? 'desc';
      const path = choice('--path', options.path, TICKET_PATH_FILTERS) as TicketPathFilter | undefined;
      const limit = whole('--limit', options.limit, { min: 1, max: 200, fallback: 20 });
      const offset = whole('--offset', options.offset, { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 });
      await withExplorer(deps, options, async ({ explorer, window, humanHourlyRate, json }) => {
        const page = await explorer.ticketPage({ window, humanHourlyRate, sort, order, path, category: options.category, channel: options.channel,
          customer: options.customer, limit, offset });
        return json ? `${JSON.stringify(page, null, 2)}\n` : formatTicketPage(page);
      });
    });

  windowOptions(program.command('ticket').argument('<id>', 'ticket id').description('One ticket\'s timeline: conversations, LLM calls, handoffs, human work, resolutions, and its loaded cost'))
    .action(async (ticketId: string, options: WindowOptions) => {
      await withExplorer(deps, options, async ({ explorer, window, humanHourlyRate, json }) => {
        const timeline = await explorer.ticketTimeline({ ticketId, window, humanHourlyRate });
        if (timeline === null) throw new TicketNotFoundError(`No ticket "${ticketId}" in the ledger before ${new Date(window.to).toISOString()}.`, { ticketId });
        return json ? `${JSON.stringify(timeline, null, 2)}\n` : formatTicketTimeline(timeline);
      });
    });
}

async function withExplorer(
  deps: TicketsCommandDeps,
  options: WindowOptions,
  run: (context: {
    explorer: TicketExplorer; window: { from: number; to: number }; humanHourlyRate: number | undefined; json: boolean;
  }) => Promise<string>,
): Promise<void> {
  const env = deps.env ?? process.env;
  const format = choice('--format', options.format, ['table', 'json'] as const) ?? 'table';
  // The ledger's rates (those the report uses), unless one is given for this command.
  const humanHourlyRate = options.humanHourlyRate === undefined ? undefined : parseHourlyRate(options.humanHourlyRate, '--human-hourly-rate');
  let window: { from: number; to: number };
  try {
    ({ window } = resolveReportOptions({ from: options.from, to: options.to }, { now: deps.now ?? Date.now }));
  } catch (error) {
    if (error instanceof ValidationError && error.field !== null) {
      throw new ValidationError(error.message.replace(`"${error.field}"`, `--${error.field}`), { field: `--${error.field}` });
    }
    throw error;
  }
  const dbPath = ledgerPathOf(options.db, env);
  requireLedger(dbPath);
  const ledger = await openCommandLedger(dbPath, deps.openLedger);
  try {
    (deps.stdout ?? process.stdout).write(await run({ explorer: ledger, window, humanHourlyRate, json: format === 'json' }));
  } finally {
    await ledger.close();
  }
}

function choice<T extends string>(option: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new ValidationError(`${option} must be one of ${allowed.join(', ')}; got "${value}".`, { field: option });
}

function whole(option: string, value: string | undefined, { min, max, fallback }: { min: number; max: number; fallback: number }): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new ValidationError(`${option} must be a whole number from ${min} to ${max}; got "${value}".`, { field: option });
  return n;
}
