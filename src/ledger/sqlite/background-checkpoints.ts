import type { Database } from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../logging/logger.js';

/** Options of {@link startBackgroundCheckpoints}. */
export interface BackgroundCheckpointOptions {
  /** The writing connection, whose own automatic checkpoints are pushed back to a backstop. */
  db: Database;
  /** The database file (not `:memory:`). */
  path: string;
  logger: Logger;
  /** How often the WAL is checkpointed. Default 100 ms. */
  intervalMs?: number;
  /**
   * WAL pages at which the writing connection checkpoints by itself anyway, should the worker
   * fall behind or stop. Default 10,000 (about 40 MB); SQLite's own default is 1,000.
   */
  backstopPages?: number;
}

/** A running background checkpointer. */
export interface BackgroundCheckpoints {
  /** Stops the worker and gives the writing connection its automatic checkpoints back. */
  stop(): Promise<void>;
}

// The worker's code, plain CommonJS so that it runs the same from `dist/` and from the sources.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
// Never wait for a lock: a checkpoint that finds one taken is simply tried again next time.
db.pragma('busy_timeout = 0');
// The checkpoint syncs the WAL and the database file as the writing connection's would.
db.pragma('synchronous = NORMAL');
let reported = false;
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    if (!reported && error && error.code !== 'SQLITE_BUSY' && error.code !== 'SQLITE_LOCKED') {
      reported = true;
      parentPort.postMessage({ error: String(error.message || error), code: error.code });
    }
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints a WAL ledger from a worker thread, on its own connection, so that the writing
 * connection never does. A checkpoint copies the WAL into the database file and syncs both
 * (`fsync`, milliseconds on many disks); done by the connection that commits, it would stall
 * the event loop, and every request in flight with it, once every thousand pages written. The
 * commits themselves do not change: each is in the WAL, durable against a crash of the process,
 * before the commit returns. A PASSIVE checkpoint never blocks the writer, nor waits for it.
 *
 * @example
 * const checkpoints = startBackgroundCheckpoints({ db: ledger.db, path: './cpr-meter.db', logger });
 * // ... at shutdown, before the ledger is closed:
 * await checkpoints.stop();
 */
export function startBackgroundCheckpoints({ db, path, logger, intervalMs = 100, backstopPages = 10_000 }: BackgroundCheckpointOptions): BackgroundCheckpoints {
  const ownPages = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.trunc(backstopPages))}`);
  const restore = () => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${ownPages}`);
  };
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), path, intervalMs },
  });
  let stopped = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('message', (message: { error?: string; code?: string }) => {
    logger.warn('background WAL checkpoints failing; the ledger checkpoints its WAL itself', { error: message.error, code: message.code });
    restore();
  });
  worker.on('error', (error) => {
    if (stopped) return;
    logger.warn('background WAL checkpoints stopped; the ledger checkpoints its WAL itself', { error: error.message });
    restore();
  });
  // The worker must not keep a process alive that has nothing else to do. Last: a 'message'
  // listener added after `unref()` references the worker's port again, and a script that is done
  // would never exit.
  worker.unref();
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      // Unreferenced, the worker would not keep the process alive while it is awaited.
      worker.ref();
      worker.postMessage('stop');
      await exited;
      restore();
    },
  };
}
