import { describe, expect, it } from 'vitest';
import { describeDb, isPostgresUrl, redactPassword } from '../../src/ledger/describe-db.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { LedgerError } from '../../src/errors.js';
import { freePort, postgresServerUrl } from '../support/postgres.js';

describe('naming a ledger in messages', () => {
  it('tells PostgreSQL URLs from SQLite paths', () => {
    expect(['postgres://h/db', 'postgresql://u@h/db', 'POSTGRES://h/db'].map(isPostgresUrl)).toEqual([true, true, true]);
    expect(['./cpr-meter.db', ':memory:', '/var/lib/postgres.db', 'file:postgres://x'].map(isPostgresUrl)).toEqual([false, false, false, false]);
  });

  it('replaces the password, in the user part and as a parameter, and leaves the rest', () => {
    expect(describeDb('postgres://cpr:s3cr%40t@db.internal:5432/cpr?sslmode=require')).toBe('postgres://cpr:***@db.internal:5432/cpr?sslmode=require');
    expect(describeDb('postgresql://cpr@db/cpr?password=s3cret&sslmode=verify-full')).toBe('postgresql://cpr@db/cpr?password=***&sslmode=verify-full');
    expect(describeDb('postgres://db/cpr')).toBe('postgres://db/cpr');
    expect(describeDb('./ledger.db')).toBe('./ledger.db');
    // Unparsable: nothing of it is repeated.
    expect(describeDb('postgres://cpr:s3cret@[bad')).toBe('postgres://(unparsable URL)');
    expect(redactPassword('auth failed for s3cr@t at s3cr@t', 'postgres://cpr:s3cr%40t@db/cpr')).toBe('auth failed for *** at ***');
  });

  it('opening with a wrong password fails with a LedgerError that names the ledger without it', async () => {
    const url = new URL(postgresServerUrl());
    url.password = 'wrong-Pa55word';
    const error = await openLedger(url.toString()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as LedgerError).code).toBe('28P01'); // invalid_password
    expect((error as LedgerError).message).toContain(':***@127.0.0.1');
    expect((error as LedgerError).message).not.toContain('wrong-Pa55word');
  });

  it('opening a server that is not there fails with the socket\'s code', async () => {
    const port = await freePort();
    const error = await openLedger(`postgres://cpr:s3cret@127.0.0.1:${port}/cpr`).catch((e: unknown) => e);
    expect((error as LedgerError).code).toBe('ECONNREFUSED');
    expect((error as LedgerError).message).not.toContain('s3cret');
  });
});
