import type pg from 'pg';
import type { ReportInputOptions } from '../ticket-ledger.js';
import type { FixedCost, ReportInput, TicketFacts } from '../../reports/types.js';
import { DEFAULT_HUMAN_HOURLY_RATE, settingAt, type LedgerSetting, type RateSchedule } from '../settings.js';
import { factsRowToTicket, toModelSpend } from '../sqlite/ticket-facts-rows.js';
import { readPgSettings } from './pg-settings.js';
import { PG_MODEL, PG_SPEND_COLUMNS, pgTicketFactsSql } from './pg-facts-sql.js';
import type { PostgresLedger } from './postgres-ledger.js';
import { foldKeptFacts, readPgReportTickets } from './pg-report-fold.js';
import { toLedgerError } from './pg-pool.js';

const FULL_FACTS_SQL = pgTicketFactsSql({ restricted: false });

/** SQLSTATEs of a fold the connection may not write: insufficient privilege, read-only transaction (a standby). */
const CANNOT_WRITE = new Set(['42501', '25006']);

/** Calls in [$1, $2) with neither conversation nor ticket, per model. */
const UNATTRIBUTED_SQL = `SELECT ${PG_MODEL} AS model, ${PG_SPEND_COLUMNS}
  FROM llm_calls WHERE conversation_id IS NULL AND ticket_id IS NULL AND started_at >= $1 AND started_at < $2
 GROUP BY model`;

/** Calls in [$1, $2) whose provider-reported and computed costs differ by more than 1% of the larger, per model. */
const COST_MISMATCH_SQL = `SELECT ${PG_MODEL} AS model, COUNT(*)
  FROM llm_calls
 WHERE cost_source = 'provider' AND started_at >= $1 AND started_at < $2 AND computed_cost_usd IS NOT NULL
   AND ABS(provider_cost_usd - computed_cost_usd) > 0.01 * GREATEST(provider_cost_usd, computed_cost_usd)
 GROUP BY model ORDER BY model`;

/** Fixed costs overlapping [$1, $2). */
const FIXED_COSTS_SQL = `SELECT amount_usd, from_at, to_at, applies_to, category, note FROM fixed_costs
 WHERE to_at > $1 AND from_at < $2 ORDER BY seq`;

async function rows(client: pg.ClientBase, text: string, values: unknown[]): Promise<unknown[][]> {
  return (await client.query({ text, values, rowMode: 'array' })).rows as unknown[][];
}

/**
 * Every ticket with activity in `window`, as of its end, folded from the calls and events by
 * the same SQL the reports use, in the caller's transaction.
 */
export async function foldPgTicketFacts(client: pg.ClientBase, { window, humanHourlyRate = null }:
  { window: { from: number; to: number }; humanHourlyRate?: number | null }): Promise<TicketFacts[]> {
  return (await rows(client, FULL_FACTS_SQL, [window.from, window.to])).map((row) => factsRowToTicket(row, humanHourlyRate));
}

/**
 * What `computeReport` needs for one window, as of its end, read in ONE snapshot (a
 * `REPEATABLE READ` transaction): every row committed before it began, none after, whichever
 * replica wrote it and in whatever order the writers committed. The tickets are folded by the
 * SQL that is the SQLite ledger's, so that both stores give the same report; most of them are
 * read summed by class from the kept facts (see `pg-report-fold.ts`).
 */
export async function loadPgReportInput(ledger: PostgresLedger, { window, humanHourlyRate, groupBy }: ReportInputOptions): Promise<ReportInput> {
  const override = humanHourlyRate ?? null;
  // Kept facts first (by this replica, unless another one is folding now), then the report in one snapshot.
  await ledger.ready();
  // A ledger that may not write the kept facts (a read-only user or a hot standby) reports as a
  // reader does: what changed since the last fold is recomputed for the report alone.
  if (ledger.folds) await foldKeptFacts(ledger.pool).catch((error: unknown) => {
    if (CANNOT_WRITE.has((error as { code?: string }).code ?? '')) return false;
    throw toLedgerError(error, ledger.url, 'folding the report\'s kept facts');
  });
  return ledger.transaction('reading a report', async (client) => {
    const tickets = await readPgReportTickets(client, { window, humanHourlyRate: override, groupBy });
    const settings = await readPgSettings(client);
    const rates = hourlyRates(settings.filter((s) => s.name === 'human-hourly-rate'), { to: window.to, override });
    const humanBaselineCprUsd = settingAt(settings, 'human-baseline-cpr', window.to);
    const params = [window.from, window.to];
    const unattributed = (await rows(client, UNATTRIBUTED_SQL, params)).map(toModelSpend);
    const costMismatches = (await rows(client, COST_MISMATCH_SQL, params)).map((r) => ({ model: r[0] as string, calls: r[1] as number }));
    const fixedCosts = (await rows(client, FIXED_COSTS_SQL, params)).map((r): FixedCost => ({
      amountUsd: r[0] as number, from: r[1] as number, to: r[2] as number,
      appliesTo: r[3] as FixedCost['appliesTo'], category: r[4] as string | null, note: r[5] as string | null,
    }));
    return { window: { from: window.from, to: window.to }, humanHourlyRate: rates.rates.at(-1)!.usdPerHour,
      humanHourlyRates: rates, humanBaselineCprUsd, ...tickets, unattributed, fixedCosts, costMismatches };
  }, { isolation: 'REPEATABLE READ' });
}

/** The hourly rates a report prices human work at, as the SQLite ledger's `hourlyRates` gives them. */
function hourlyRates(settings: LedgerSetting[],
  { to, override }: { to: number; override: number | null }): RateSchedule {
  if (override !== null) return { source: 'report', rates: [{ from: null, usdPerHour: override }] };
  const rates = settings.filter((s) => (s.effectiveFrom ?? Number.NEGATIVE_INFINITY) < to);
  if (rates.length === 0) return { source: 'default', rates: [{ from: null, usdPerHour: DEFAULT_HUMAN_HOURLY_RATE }] };
  const before = rates[0]!.effectiveFrom === null ? [] : [{ from: null, usdPerHour: DEFAULT_HUMAN_HOURLY_RATE }];
  return { source: 'ledger', rates: [...before, ...rates.map((s) => ({ from: s.effectiveFrom, usdPerHour: s.value }))] };
}
