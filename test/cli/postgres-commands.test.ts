import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/open-ledger.js';
import type { LlmCall } from '../../src/ledger/types.js';
import { freePort, usePostgresDatabase } from '../support/postgres.js';
import { tempDir } from '../support/temp-dir.js';
import { openMigrated } from '../support/open-test-db.js';
import { runCommand, type CommandResult } from '../reliability/cli-process.js';

/*
 * Every command that takes a ledger, given a postgres:// URL, run as a user runs it (its own
 * process) against a real PostgreSQL; and the one line each prints when that PostgreSQL cannot
 * be reached, never with the URL's password.
 */
const database = usePostgresDatabase();
const dir = tempDir('cpr-pg-commands-');
afterAll(() => dir.remove());

const DAY = 86_400_000;
const now = Date.now();
const call = (id: string, startedAt: number, conversationId: string | null): LlmCall => ({
  id, startedAt, conversationId, ticketId: null, provider: 'openai', operation: 'chat', requestModel: 'acme-bot-1',
  responseModel: 'acme-bot-1', usage: { inputTokens: 1000, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 250, reasoningTokens: 0 },
  costUsd: null, prices: null, status: 'ok', httpStatus: 200, errorType: null, estimated: false, streamed: false, latencyMs: 500,
  timeToFirstChunkMs: null, upstreamRequestId: null, responseId: null, finishReasons: ['stop'], source: 'proxy',
});

function expectOneLine(result: CommandResult, pattern: RegExp): void {
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack frame
  expect(result.stderr).toMatch(/^cpr-meter: [^\n]+\n$/);
  expect(result.stderr).toMatch(pattern);
  expect(result.stdout).toBe('');
  expect(result.code).toBe(1);
}

beforeAll(async () => {
  // Two unpriced calls of a model without a price: one yesterday on the ticket's conversation, one 100 days ago of no conversation.
  const ledger = await openLedger(database.url);
  await ledger.recordBatch({ calls: [call('call-recent', now - DAY, 'c-1'), call('call-old', now - 100 * DAY, null)], events: [] });
  await ledger.close();
});

describe('every command on a PostgreSQL ledger', () => {
  it('ingests, sets a rate, reprices, reports, lists tickets, shows one, prunes', async () => {
    const url = database.url;
    const events = dir.file('events.jsonl');
    const at = (ms: number) => new Date(ms).toISOString();
    writeFileSync(events, [
      { type: 'ticket.opened', ticketId: 'T-1', category: 'billing', at: at(now - DAY - 60_000) },
      { type: 'conversation.linked', conversationId: 'c-1', ticketId: 'T-1', at: at(now - DAY - 60_000) },
      { type: 'human.work', ticketId: 'T-1', seconds: 1800, at: at(now - DAY + 60_000) },
      { type: 'ticket.resolved', ticketId: 'T-1', by: 'human', at: at(now - DAY + 120_000) },
    ].map((e) => JSON.stringify(e)).join('\n'));
    const ingest = await runCommand(['ingest', events, '--db', url]);
    expect(ingest.stderr).toBe('');
    expect(ingest.stdout).toContain('accepted 4, duplicates 0, conflicts 0');

    const set = await runCommand(['settings', 'set', 'human-hourly-rate', '60', '--from', 'always', '--db', url]);
    expect(set.stdout).toBe('human-hourly-rate = $60.00 from always\n');
    expect((await runCommand(['settings', '--db', url])).stdout).toMatch(/human-hourly-rate\s+\$60\.00\s+always/);

    const prices = dir.file('prices.json');
    writeFileSync(prices, JSON.stringify({ models: { 'acme-bot*': { input: 2, output: 8 } } }));
    const reprice = await runCommand(['reprice', '--db', url, '--prices', prices]);
    expect(reprice.stderr).toBe('');
    expect(reprice.stdout).toMatch(/2 calls examined, 2 updated, 0 still unpriced/);

    const window = ['--from', at(now - 30 * DAY), '--to', at(now + 60_000), '--format', 'json'];
    const report = JSON.parse((await runCommand(['report', '--db', url, ...window])).stdout);
    // 1000 input x 2 + 250 output x 8 = 4,000 USD per million tokens = 0.004; the call of 100 days ago is out of the window.
    expect(report.totals.llmCostUsd).toBeCloseTo(0.004, 12);
    // 1800 s at the ledger's 60 USD/h = 30.00.
    expect(report.totals.humanCostUsd).toBeCloseTo(30, 9);

    const tickets = JSON.parse((await runCommand(['tickets', '--db', url, ...window])).stdout);
    expect(tickets.tickets.map((t: { ticketId: string }) => t.ticketId)).toEqual(['T-1']);
    const timeline = JSON.parse((await runCommand(['ticket', 'T-1', '--db', url, ...window])).stdout);
    expect(timeline.cost.llmCostUsd).toBeCloseTo(0.004, 12);
    expect(timeline.cost.humanCostUsd).toBeCloseTo(30, 9);

    const prune = await runCommand(['prune', '--older-than-days', '30', '--db', url]);
    expect(prune.stderr).toBe('');
    expect(prune.stdout).toMatch(/^deleted 1 LLM calls that started before .* in 1 batches/);
    const after = JSON.parse((await runCommand(['report', '--db', url, '--from', at(now - 200 * DAY), '--to', at(now + 60_000), '--format', 'json'])).stdout);
    expect(after.totals.llmCalls).toBe(1);
  }, 60_000);

  it('explains that PostgreSQL is backed up with pg_dump, with the line to run and without the password', async () => {
    const url = new URL(database.url);
    const result = await runCommand(['backup', dir.file('ledger.dump'), '--db', database.url]);
    expectOneLine(result, /backed up with pg_dump.*pg_dump --format=custom --file=.*ledger\.dump 'postgres:\/\/cpr@127\.0\.0\.1:\d+\/cpr_test_\w+'/);
    if (url.password !== '') expect(result.stderr).not.toContain(url.password);
  });

  it('says in one line, without the password, that a PostgreSQL ledger cannot be reached', async () => {
    const port = await freePort(); // nothing listens there
    const unreachable = `postgres://cpr:Sup3r-Secret-pw@127.0.0.1:${port}/ledger`;
    const runs: Array<[string, string[]]> = [
      ['report', ['report', '--db', unreachable]],
      ['ingest', ['ingest', dir.file('one-event.jsonl'), '--db', unreachable]],
      ['reprice', ['reprice', '--db', unreachable]],
      ['prune', ['prune', '--older-than-days', '30', '--db', unreachable]],
      ['settings', ['settings', '--db', unreachable]],
      ['tickets', ['tickets', '--db', unreachable]],
      ['ticket', ['ticket', 'T-1', '--db', unreachable]],
      ['copy', ['copy', '--from', dir.file('missing.db'), '--to', unreachable]],
    ];
    writeFileSync(dir.file('missing.db'), '');
    writeFileSync(dir.file('one-event.jsonl'), '{"type":"ticket.opened","ticketId":"T-9"}\n');
    const results = await Promise.all(runs.map(([, args]) => runCommand(args, { env: { CPR_DB: unreachable } })));
    for (const [i, result] of results.entries()) {
      const name = runs[i]![0];
      if (name === 'copy') {
        // An empty file holds no ledger: said before the target is opened.
        expectOneLine(result, /missing\.db holds no cpr-meter ledger \(no llm_calls and events tables\): nothing to copy/);
        continue;
      }
      expectOneLine(result, new RegExp(`PostgreSQL ledger postgres://cpr:\\*\\*\\*@127\\.0\\.0\\.1:${port}/ledger.*ECONNREFUSED.*Check --db \\(or CPR_DB\\)`));
      expect(result.stderr, name).not.toContain('Sup3r-Secret-pw');
    }
    // From a ledger (empty, migrated), to the server that does not answer.
    openMigrated(dir.file('empty.db')).close();
    const copy = await runCommand(['copy', '--from', dir.file('empty.db'), '--to', unreachable]);
    expectOneLine(copy, new RegExp(`PostgreSQL ledger postgres://cpr:\\*\\*\\*@127\\.0\\.0\\.1:${port}/ledger.*ECONNREFUSED`));
    expect(copy.stderr).not.toContain('Sup3r-Secret-pw');
  }, 60_000);

  it('names a wrong password as such, without it', async () => {
    const url = new URL(database.url);
    url.password = 'not-the-password';
    const result = await runCommand(['report', '--db', url.toString()]);
    expectOneLine(result, /password authentication failed for user "cpr"/);
    expect(result.stderr).not.toContain('not-the-password');
  });
});
