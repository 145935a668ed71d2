import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteLedger } from '../../src/ledger/sqlite/sqlite-ledger.js';
import { createLogger } from '../../src/logging/logger.js';
import { eventually, startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';

/** Whether this process may mount a tmpfs (root in a container with CAP_SYS_ADMIN): real full and read-only volumes. */
function canMount(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'cpr-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    execFileSync('umount', [dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A 4 MiB tmpfs holding a ledger with its tables made (closed cleanly: no -wal, no -shm). */
function volumeWithLedger(): { dir: string; db: string; unmount: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cpr-volume-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir]);
  const db = join(dir, 'cpr.db');
  openSqliteLedger({ path: db }).db.close();
  return {
    dir, db,
    unmount: () => {
      execFileSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: createLogger({ level: 'debug', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }) };
}

async function health(h: ProxyHarness) {
  const res = await fetch(`${h.cpr.url}/healthz`);
  return { code: res.status, body: (await res.json()) as { status: string; ledger: string; ledgerError?: string; recorder: { buffered: number } } };
}

async function call(h: ProxyHarness): Promise<void> {
  const answer = await h.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
    { headers: { 'x-cpr-conversation-id': 'conv-1', 'x-cpr-ticket-id': 'T-1' } });
  expect(answer.choices[0]!.message.content).toBeTruthy();
}

const mountable = canMount();

describe.skipIf(!mountable)('serve on a volume it cannot write to at start', () => {
  let h: ProxyHarness | undefined;
  let volume: ReturnType<typeof volumeWithLedger> | undefined;
  afterEach(async () => {
    await h?.close();
    volume?.unmount();
    h = undefined;
    volume = undefined;
  });

  it('full: starts (before: "disk I/O error", exit 1), serves calls, says why on /healthz, writes the rows once there is room', async () => {
    volume = volumeWithLedger();
    const filler = join(volume.dir, 'filler');
    try {
      writeFileSync(filler, Buffer.alloc(8 * 1024 * 1024));
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC'); // the volume is full now
    }
    const { lines, logger } = capturedLogger();
    h = await startProxyHarness({ db: volume.db, logger });
    await call(h);
    await call(h);
    const degraded = await health(h);
    expect(degraded).toMatchObject({ code: 503, body: { status: 'degraded', ledger: 'unreachable', recorder: { buffered: 2 } } });
    // SQLite cannot make its shared-memory file: SQLITE_IOERR_SHMSIZE, "disk I/O error".
    expect(degraded.body.ledgerError).toContain('disk I/O error (is the volume full or read-only?)');
    expect(lines.filter((l) => l.level === 'error' && l.kind === 'SQLITE_IOERR_SHMSIZE')).toHaveLength(1);
    expect(h.cpr.recorder.stats().bufferedEvents).toBe(1); // the conversation's link waits too

    rmSync(filler);
    await eventually(() => h!.cpr.recorder.stats().buffered === 0, 5000);
    expect(h.rows()).toHaveLength(2);
    expect(h.cpr.ledger.db.prepare('SELECT ticket_id FROM conversations WHERE conversation_id = ?').pluck().get('conv-1')).toBe('T-1');
    expect(await health(h)).toMatchObject({ code: 200, body: { status: 'ok', ledger: 'ok' } });
    expect(lines.some((l) => l.msg === 'the ledger opened; the rows waiting for it are written now')).toBe(true);
  });

  it('read-only: starts, serves calls, says why, and writes the rows once the volume is writable again', async () => {
    volume = volumeWithLedger();
    execFileSync('mount', ['-o', 'remount,ro', volume.dir]);
    h = await startProxyHarness({ db: volume.db });
    await call(h);
    const degraded = await health(h);
    expect(degraded).toMatchObject({ code: 503, body: { status: 'degraded', ledger: 'unreachable', recorder: { buffered: 1 } } });
    expect(degraded.body.ledgerError).toContain('unable to open database file (is the volume full or read-only?)');

    execFileSync('mount', ['-o', 'remount,rw', volume.dir]);
    await eventually(() => h!.cpr.recorder.stats().buffered === 0, 5000);
    expect(h.rows()).toHaveLength(1);
    expect((await health(h)).body.status).toBe('ok');
  });
});
