import type { HumanBaselineSource } from './types.js';

/** The human CPR a report measures savings against, and where it came from. */
export interface HumanBaseline {
  humanBaselineCprUsd: number | null;
  humanBaselineSource: HumanBaselineSource;
}

/**
 * The one place the human baseline is chosen: the configured baseline when there is one (the
 * report option, `?humanBaselineCpr=`, `--human-baseline-cpr`, serve's default), else the
 * ledger's `human-baseline-cpr` setting in effect at the window's end (`ledgerUsd`), else the
 * window's human-only CPR (its totals', never a group's own), else none. Every group of a report
 * is measured against the same baseline, so that the groups' savings add up to the total's
 * (less what is unallocated) and a small group's two human-only tickets do not set its own yardstick.
 *
 * @example
 * resolveHumanBaseline(undefined, 72); // { humanBaselineCprUsd: 72, humanBaselineSource: 'human-only' }
 * resolveHumanBaseline(30, 72);        // { humanBaselineCprUsd: 30, humanBaselineSource: 'configured' }
 * resolveHumanBaseline(undefined, 72, 50); // { humanBaselineCprUsd: 50, humanBaselineSource: 'ledger' }
 */
export function resolveHumanBaseline(
  configuredUsd: number | null | undefined,
  humanOnlyCprUsd: number | null,
  ledgerUsd: number | null = null,
): HumanBaseline {
  if (configuredUsd !== undefined && configuredUsd !== null) return { humanBaselineCprUsd: configuredUsd, humanBaselineSource: 'configured' };
  if (ledgerUsd !== null) return { humanBaselineCprUsd: ledgerUsd, humanBaselineSource: 'ledger' };
  if (humanOnlyCprUsd !== null) return { humanBaselineCprUsd: humanOnlyCprUsd, humanBaselineSource: 'human-only' };
  return { humanBaselineCprUsd: null, humanBaselineSource: null };
}

/** Where a baseline came from, in words, for the table and the HTML page. */
export function describeBaselineSource(source: HumanBaselineSource): string {
  if (source === 'configured') return 'configured';
  if (source === 'ledger') return "the ledger's human-baseline-cpr setting";
  if (source === 'human-only') return "the window's human-only CPR";
  return 'no baseline: configure one, or resolve human-only tickets in the window';
}
