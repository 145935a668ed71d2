import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';
import { tempDir } from '../support/temp-dir.js';
import { runCommand, type CommandResult } from './cli-process.js';

const FILES = 2;
const EVENTS_PER_FILE = 4000;

let dir: ReturnType<typeof tempDir>;
let h: ProxyHarness;
beforeAll(async () => {
  dir = tempDir('cpr-concurrency-');
  h = await startProxyHarness();
});
afterAll(async () => {
  await h.close();
  dir.remove();
});

/** A JSON Lines file of `EVENTS_PER_FILE` events (1,000 tickets of 4 events), ids unique to `file`. */
function eventFile(file: number): string {
  const lines: string[] = [];
  const at = new Date(Date.now() - 3_600_000).toISOString();
  for (let t = 0; t < EVENTS_PER_FILE / 4; t += 1) {
    const ticketId = `F${file}-T${t}`;
    lines.push(
      JSON.stringify({ type: 'ticket.opened', eventId: `${ticketId}-o`, at, ticketId, category: 'billing' }),
      JSON.stringify({ type: 'conversation.linked', eventId: `${ticketId}-l`, at, conversationId: `F${file}-C${t}`, ticketId }),
      JSON.stringify({ type: 'human.work', eventId: `${ticketId}-w`, at, ticketId, seconds: 120 }),
      JSON.stringify({ type: 'ticket.resolved', eventId: `${ticketId}-r`, at, ticketId, by: 'human' }),
    );
  }
  const path = dir.file(`events-${file}.jsonl`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/**
 * Another process that takes the write lock and keeps it for `ms` (as a large ingest or an
 * operator's `sqlite3` shell would): resolves once it has let go.
 */
function holdWriteLock(path: string, ms: number): Promise<number | null> {
  const script = `const db = require('better-sqlite3')(${JSON.stringify(path)}); db.pragma('busy_timeout = 5000');
    db.exec('BEGIN IMMEDIATE'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', resolve));
}

describe('the proxy, ingest, report, backup and prune on one database at once', () => {
  it('never lets "database is locked" reach a user: every command and every call succeeds', async () => {
    const files = Array.from({ length: FILES }, (_, i) => eventFile(i));
    const db = ['--db', h.dbPath];
    const window = ['--from', new Date(Date.now() - 86_400_000).toISOString(), '--to', new Date(Date.now() + 86_400_000).toISOString()];

    // Proxy traffic for as long as the commands run.
    let commandsDone = false;
    let calls = 0;
    const failures: string[] = [];
    const traffic = Array.from({ length: 4 }, async (_, w) => {
      for (let n = 0; !commandsDone; n += 1) {
        const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: `order ${w}-${n}` }] };
        const headers = { headers: { 'x-cpr-conversation-id': `live-${w}-${n}` } };
        try {
          if (n % 2 === 0) await h.client.chat.completions.create(body, headers);
          else for await (const _chunk of await h.client.chat.completions.create({ ...body, stream: true }, headers));
          calls += 1;
        } catch (error) {
          failures.push(String(error));
        }
      }
    });
    // Give each command a moment to start while traffic is already flowing.
    const later = (ms: number, args: string[]) => new Promise<CommandResult>((resolve) => setTimeout(() => resolve(runCommand(args)), ms));
    const commands: Array<[string, Promise<CommandResult>]> = [
      ...files.map((file, i): [string, Promise<CommandResult>] => [`ingest ${i}`, later(i * 150, ['ingest', file, ...db])]),
      ['report 1', later(50, ['report', ...db, ...window, '--format', 'json'])],
      ['report 2', later(250, ['report', ...db, ...window, '--format', 'csv'])],
      ['backup', later(200, ['backup', dir.file('copy.db'), ...db])],
      ['prune', later(300, ['prune', '--older-than-days', '365', ...db, '--batch-size', '50'])],
    ];
    // And a writer that keeps the lock for 400 ms while all of the above want it.
    expect(await holdWriteLock(h.dbPath, 400)).toBe(0);
    const results = await Promise.all(commands.map(async ([name, run]) => [name, await run] as const));
    commandsDone = true;
    await Promise.all(traffic);

    for (const [name, result] of results) {
      expect({ name, code: result.code, stderr: result.stderr }).toEqual({ name, code: 0, stderr: expect.not.stringMatching(/locked|busy/i) });
    }
    for (const [name, result] of results.filter(([name]) => name.startsWith('ingest'))) {
      expect([name, result.stdout]).toEqual([name, `accepted ${EVENTS_PER_FILE}, duplicates 0, conflicts 0\n`]);
    }
    expect(JSON.parse(results.find(([name]) => name === 'report 1')![1].stdout).totals.tickets).toBeGreaterThanOrEqual(0);
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(0);
    // The proxy never had to fall back on its retry buffer: its writes waited for the lock and got it.
    expect(h.cpr.recorder.stats()).toMatchObject({ recorded: calls, failedWrites: 0, buffered: 0, dropped: 0 });
    expect(h.rows()).toHaveLength(calls);
    expect(h.cpr.ledger.db.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(FILES * EVENTS_PER_FILE);
    console.log(`concurrency: ${calls} proxy calls, ${FILES} × ${EVENTS_PER_FILE} events ingested, 2 reports, 1 backup, 1 prune at once; 0 failures`);
  }, 60_000);
});
