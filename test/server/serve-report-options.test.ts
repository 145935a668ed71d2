import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/reports/types.js';
import { insertCalls } from '../support/open-test-db.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';
import { SCENARIO_CALLS, SCENARIO_EVENTS, WINDOW_ISO } from '../reports/cpr-scenario-fixture.js';

/*
 * `serve` answers reports on its report thread (a worker with its own connection): the grouping
 * must reach the ledger there, so that kept tickets are summed by customer, and the configured
 * human baseline (CPR_HUMAN_BASELINE_CPR) is the default of every report. Figures: the
 * hand-computed scenario (test/reports/cpr-scenario.test.ts).
 */

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness({ env: { CPR_HUMAN_BASELINE_CPR: '60' } });
  const res = await fetch(`${h.cpr.url}/api/events`, { method: 'POST', body: JSON.stringify(SCENARIO_EVENTS) });
  expect(res.status).toBe(200);
  insertCalls(h.cpr.ledger.db, SCENARIO_CALLS);
});
afterAll(async () => h.close());

const report = async (query: string): Promise<Report> => {
  const res = await fetch(`${h.cpr.url}/api/report?from=${WINDOW_ISO.from}&to=${WINDOW_ISO.to}${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Report;
};

describe('serve: report options', () => {
  it('estimates savings against CPR_HUMAN_BASELINE_CPR unless the request gives its own', async () => {
    const byDefault = await report('');
    expect([byDefault.humanBaselineSource, byDefault.totals.humanBaselineCprUsd]).toEqual(['configured', 60]);
    expect(byDefault.totals.savingsUsd).toBeCloseTo(18.83, 9); // 60 x 8 - 461.17
    const given = await report('&humanBaselineCpr=72.5');
    expect(given.totals.savingsUsd).toBeCloseTo(118.83, 9); // 72.5 x 8 = 580 - 461.17
  });

  it('groups by customer on the report thread, kept tickets included', async () => {
    await report(''); // keeps the tickets (again), so that the next report reads them by class
    const byCustomer = await report('&groupBy=customer');
    // 60 x resolved - total: acme 240 - 214.42, globex 180 - 174.14, (none) 60 - 72.61.
    expect(byCustomer.groups.map((g) => [g.key, g.tickets, g.totalCostUsd, g.savingsUsd])).toEqual([
      ['acme', 5, 214.42, 25.58], ['globex', 4, 174.14, 5.86], ['(none)', 2, 72.61, -12.61],
    ]);
  });
});

describe("serve: the ledger's human-baseline-cpr", () => {
  let plain: ProxyHarness;
  beforeAll(async () => {
    plain = await startProxyHarness(); // no CPR_HUMAN_BASELINE_CPR
    const res = await fetch(`${plain.cpr.url}/api/events`, { method: 'POST', body: JSON.stringify(SCENARIO_EVENTS) });
    expect(res.status).toBe(200);
    insertCalls(plain.cpr.ledger.db, SCENARIO_CALLS);
  });
  afterAll(async () => plain.close());

  it('is the baseline of a report given none, read on the report thread', async () => {
    const get = async (query: string): Promise<Report> =>
      (await (await fetch(`${plain.cpr.url}/api/report?from=${WINDOW_ISO.from}&to=${WINDOW_ISO.to}${query}`)).json()) as Report;
    expect((await get('')).humanBaselineSource).toBe('human-only');
    // What `cpr-meter settings set human-baseline-cpr 50` stores, written while serve runs.
    await plain.cpr.ledger.writeSetting({ name: 'human-baseline-cpr', effectiveFrom: null, value: 50, setAt: Date.now() });
    const fromLedger = await get('');
    expect([fromLedger.humanBaselineSource, fromLedger.totals.humanBaselineCprUsd]).toEqual(['ledger', 50]);
    expect(fromLedger.totals.savingsUsd).toBeCloseTo(-61.17, 9); // 50 x 8 - 461.17
    const given = await get('&humanBaselineCpr=60');
    expect([given.humanBaselineSource, given.totals.savingsUsd]).toEqual(['configured', 18.83]); // 60 x 8 - 461.17
  });
});
