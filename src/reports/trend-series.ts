import { periodKey } from './period-key.js';
import type { Report, ReportFigures } from './types.js';

/** One day or week of the trend. */
export interface TrendPoint {
  /** `2026-10-05` or `2026-W41`, as the report's period groups are keyed. */
  period: string;
  tickets: number;
  resolved: number;
  aiResolved: number;
  /** Blended CPR. */
  costPerResolutionUsd: number | null;
  /** True AI CPR (the AI journey's loaded cost per resolution). */
  aiJourneyCostPerResolutionUsd: number | null;
  humanOnlyCostPerResolutionUsd: number | null;
  /** The period's LLM cost, its shares of unattributed spend included. */
  llmCostUsd: number;
  humanCostUsd: number;
  /** Its shares of fixed costs. */
  fixedCostUsd: number;
  totalCostUsd: number;
}

/** The trend of a window: `GET /api/trend`. */
export interface TrendSeries {
  window: Report['window'];
  interval: 'day' | 'week';
  /** Every period of the window, in order; one without tickets has zero counts and `null` CPRs. */
  points: TrendPoint[];
  /** Costs that found no ticket to go to: in the window's total, in no period. */
  unallocatedCostUsd: number;
}

const DAY = 86_400_000;
const PICKED = ['tickets', 'resolved', 'aiResolved', 'costPerResolutionUsd', 'aiJourneyCostPerResolutionUsd',
  'humanOnlyCostPerResolutionUsd', 'llmCostUsd', 'humanCostUsd', 'fixedCostUsd', 'totalCostUsd'] as const satisfies ReadonlyArray<keyof ReportFigures>;

/**
 * The trend series of a report grouped by `day` or `week` (its groups, which already use the
 * tickets' loaded costs), with every period of the window present, empty ones included, so that
 * a chart's axis has no holes.
 *
 * @example
 * trendSeries(computeReport(input, { groupBy: 'week' }), 'week').points[0].costPerResolutionUsd;
 */
export function trendSeries(report: Report, interval: 'day' | 'week'): TrendSeries {
  const groups = new Map(report.groups.map((g) => [g.key, g]));
  const keys: string[] = [];
  const from = Date.parse(report.window.from);
  const to = Date.parse(report.window.to);
  for (let day = from - (from % DAY); day < to; day += DAY) {
    const key = periodKey(day, interval);
    if (keys[keys.length - 1] !== key) keys.push(key);
  }
  const points = keys.map((period): TrendPoint => {
    const group = groups.get(period);
    const point = { period } as TrendPoint;
    for (const name of PICKED) (point as unknown as Record<string, number | null>)[name] = group === undefined ? (name.endsWith('PerResolutionUsd') ? null : 0) : group[name];
    return point;
  });
  return { window: report.window, interval, points, unallocatedCostUsd: report.unallocatedCostUsd };
}
