import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generateLedger } from '../bench/support/generate-ledger.js';
import { openSqliteLedger } from '../src/ledger/sqlite/sqlite-ledger.js';
import { insertEvents } from '../src/ledger/sqlite/ticket-store.js';
import { silentLogger } from '../src/logging/logger.js';
import { startServer, type CprServer } from '../src/server/start-server.js';
import type { TicketPage } from '../src/ledger/ticket-explorer.js';
import type { Report, ReportFigures } from '../src/reports/types.js';
import { at, loadScenario } from '../test/reports/cpr-scenario-fixture.js';
import { openMigrated } from '../test/support/open-test-db.js';
import { tempDir } from '../test/support/temp-dir.js';
import { launchChromium } from './browser.js';

/*
 * The dashboard in a real Chromium (Debian's /usr/bin/chromium, driven by playwright-core), on
 * real servers and real ledger files: (1) the hand-computed scenario behind an admin token, where
 * every number on the page is checked against the JSON report; (2) a generated month of 3,000
 * tickets, for the screenshots the README shows (docs/screenshots/).
 */
const SHOTS = new URL('../docs/screenshots/', import.meta.url).pathname;
const TOKEN = 's3cret-admin-token';
let dir: ReturnType<typeof tempDir>;
let chromium: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  dir = tempDir();
  chromium = await launchChromium();
});
afterAll(async () => {
  await chromium?.close();
  dir?.remove();
});

const ready = (page: Page) => page.waitForSelector('body[data-ready]:not([data-loading])');
const idle = (page: Page) => page.waitForSelector('body:not([data-loading])');
const cell = (page: Page, figure: string) => page.locator(`.card[data-figure="${figure}"]`);
const usd = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

describe('the dashboard on the hand-computed scenario, behind an admin token', () => {
  let cpr: CprServer;
  let page: Page;
  const api = async <T>(path: string): Promise<T> =>
    (await (await fetch(`${cpr.url}/api/${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as T;

  beforeAll(async () => {
    const db = openMigrated(dir.file('scenario.db'));
    loadScenario(db);
    db.close();
    cpr = await startServer({ port: 0, db: dir.file('scenario.db'), env: {}, logger: silentLogger, adminToken: TOKEN, now: () => at(31, 23) });
    page = await chromium.context.newPage();
  });
  afterAll(async () => {
    await page?.close();
    await cpr?.close();
  });

  it('asks for the token once, refuses a wrong one, and keeps it out of the URL and the storage', async () => {
    await page.goto(`${cpr.url}/dashboard?from=2026-10-01&to=2026-11-01`);
    const dialog = page.locator('#token-dialog');
    await dialog.waitFor({ state: 'visible' });
    await page.fill('#token-dialog input[name=token]', 'wrong');
    await page.click('#token-dialog button[type=submit]');
    await page.locator('#token-error').waitFor({ state: 'visible' });
    await page.fill('#token-dialog input[name=token]', TOKEN);
    await page.click('#token-dialog button[type=submit]');
    await ready(page);
    expect(await dialog.isVisible()).toBe(false);
    expect(page.url()).not.toContain(TOKEN);
    expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0);
    expect(await page.evaluate('document.cookie')).toBe('');
  });

  it('shows the numbers of the JSON report', async () => {
    const report = await api<Report & { previous: { totals: ReportFigures } }>('report?from=2026-10-01&to=2026-11-01&compare=previous');
    for (const figure of ['aiJourneyCostPerResolutionUsd', 'humanOnlyCostPerResolutionUsd', 'costPerResolutionUsd', 'naiveAiCostPerResolutionUsd',
      'totalCostUsd', 'automationRate', 'containmentRate', 'escalationRate', 'fcrRate', 'reopenRate', 'resolved', 'tickets'] as const) {
      expect(Number(await cell(page, figure).getAttribute('data-value')), figure).toBe(report.totals[figure]);
    }
    // As a person reads them: 461.17 / 8 = 57.64625; 389.17 / 7 = 55.5957...; 72 / 1; 1.60 / 4 = 0.40.
    expect(await cell(page, 'costPerResolutionUsd').locator('.value').textContent()).toBe('$57.65');
    expect(await cell(page, 'aiJourneyCostPerResolutionUsd').locator('.value').textContent()).toBe('$55.60');
    expect(await cell(page, 'humanOnlyCostPerResolutionUsd').locator('.value').textContent()).toBe('$72.00');
    // Money by the reports' one rule (formatUsd): under a dollar, two significant digits (was $0.4000).
    expect(await cell(page, 'naiveAiCostPerResolutionUsd').locator('.value').textContent()).toBe('$0.40');
    // The rate human work was costed at, as every report format says it, and the report's warnings (T4's unpriced call).
    expect(await page.locator('#spend-line').textContent()).toContain('Human work without an amount costed at $40.00/h, the default (the ledger has no rate: see cpr-meter settings).');
    expect(report.warnings.length).toBeGreaterThan(0);
    expect(await page.locator('#warnings li').allTextContents()).toEqual(report.warnings.map((w) => `WARNING: ${w.message}`));
    expect(await cell(page, 'automationRate').locator('.value').textContent()).toBe('50.0%');
    // Against the previous window (Aug 31 - Oct 1): blended 6.70 -> 57.64625 is +760.4%, worse.
    expect(await cell(page, 'costPerResolutionUsd').locator('.change').textContent()).toBe('+760.4%');
    expect(await cell(page, 'costPerResolutionUsd').locator('.change').getAttribute('class')).toContain('bad');
    // The ticket list: the API's first page, costliest first.
    const tickets = await api<TicketPage>('tickets?from=2026-10-01&to=2026-11-01&limit=20');
    expect(await page.locator('#tickets-data tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ticket'))))
      .toEqual(tickets.tickets.map((t) => t.ticketId));
    expect(await page.locator('#tickets-data tbody tr').first().locator('td.strong').textContent()).toBe('$62.53');
    await page.screenshot({ path: `${SHOTS}scenario-overview.png`, fullPage: false });
  });

  it('sorts the tickets, opens a group, and opens the costliest ticket\'s timeline', async () => {
    await page.click('#tickets-data button[data-sort=cost]');
    await idle(page);
    expect(page.url()).toContain('order=asc');
    expect(await page.locator('#tickets-data tbody tr').first().getAttribute('data-ticket')).toBe('T6'); // 21.00, the cheapest
    // The breakdown's shipping row leads to its tickets: T8 36.53, T4 50.23, T5 51 (cheapest first, as sorted).
    await page.click('#breakdown-table tr[data-key=shipping]');
    await idle(page);
    expect(page.url()).toContain('category=shipping');
    expect(await page.locator('#tickets-data tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ticket')))).toEqual(['T8', 'T4', 'T5']);
    await page.click('#clear-filters');
    await idle(page);
    await page.click('#tickets-data button[data-sort=cost]');
    await idle(page);
    await page.locator('#tickets-data tbody tr').first().click();
    await idle(page);
    await page.locator('#timeline').waitFor({ state: 'visible' });
    // T3: .40 + 20 + .13 + 42 = 62.53; opened, linked, its call, the handoff, human work, the human resolution.
    expect(await page.locator('#timeline-title').textContent()).toContain('T3');
    expect(await page.locator('#timeline-loaded').textContent()).toContain('Loaded cost $62.53');
    expect(await page.locator('#timeline-entries tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind'))))
      .toEqual(['opened', 'linked', 'llm-call', 'handoff', 'human-work', 'resolved']);
    expect(page.url()).toContain('ticket=T3');
  });

  it('changes the window', async () => {
    await page.click('button[data-period="7d"]');
    await idle(page);
    expect(page.url()).toContain('period=7d');
    expect(page.url()).not.toContain('from=');
    const from = await page.inputValue('#window-form input[name=from]');
    const to = await page.inputValue('#window-form input[name=to]');
    const report = await api<Report>(`report?from=${from}&to=${to}`);
    expect(Number(await cell(page, 'tickets').getAttribute('data-value'))).toBe(report.totals.tickets);
    expect(await cell(page, 'costPerResolutionUsd').getAttribute('data-value')).toBe(String(report.totals.costPerResolutionUsd));
    expect(await page.locator('#window-label').textContent()).toContain('Last 7 days');
  });
});

describe('the dashboard on a generated month (screenshots)', () => {
  let cpr: CprServer;
  let page: Page;

  beforeAll(async () => {
    const ledger = openSqliteLedger({ path: dir.file('month.db') });
    generateLedger(ledger, (events) => insertEvents(ledger.db, events), { tickets: 3_000, calls: 15_000 });
    await ledger.close();
    cpr = await startServer({ port: 0, db: dir.file('month.db'), env: {}, logger: silentLogger });
    page = await chromium.context.newPage();
  });
  afterAll(async () => {
    await page?.close();
    await cpr?.close();
  });

  it('renders the overview, trend, breakdown, tickets and a timeline', async () => {
    await page.goto(`${cpr.url}/dashboard?from=2026-09-16&to=2026-10-01`);
    await ready(page);
    const report = (await (await fetch(`${cpr.url}/api/report?from=2026-09-16&to=2026-10-01`)).json()) as Report;
    expect(await cell(page, 'totalCostUsd').locator('.value').textContent()).toBe(usd(report.totals.totalCostUsd));
    await page.screenshot({ path: `${SHOTS}dashboard-overview.png` });
    await page.locator('#breakdown').screenshot({ path: `${SHOTS}dashboard-breakdown.png` });
    await page.locator('#tickets').screenshot({ path: `${SHOTS}dashboard-tickets.png` });
    await page.locator('#tickets-data tbody tr').first().click();
    await page.locator('#timeline').waitFor({ state: 'visible' });
    await idle(page);
    await page.locator('#timeline').screenshot({ path: `${SHOTS}dashboard-timeline.png` });
  });
});
