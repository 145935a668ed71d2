/**
 * The ledger of the report and dashboard benchmarks: 1,000,000 calls and 200,000 tickets (a tenth
 * with `--quick`), generated once by `generate-ledger.ts` and kept in `bench/.cache/` (delete it
 * to generate it again; a new schema migration is applied on open). Benchmarks work on a copy.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type * as SqliteLedgerModule from '../../src/ledger/sqlite/sqlite-ledger.js';
import type * as TicketStore from '../../src/ledger/sqlite/ticket-store.js';
import { importBuilt } from './build.js';
import { generateLedger, type GeneratedCounts } from './generate-ledger.js';
import { CACHE_DIR } from './scratch.js';

/** Bump when the generator changes, so that an old cached ledger is not reused. */
const GENERATOR_VERSION = 2; // 2: customers on tickets (the report grouped by customer)

/** Size of a ledger file with its WAL, in MiB. */
export const sizeOfLedger = (file: string): number => (statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0)) / 2 ** 20;

/** The generated ledger's path and counts, generating it first when it is not cached. */
export async function ensureReportLedger({ quick, name }: { quick: boolean; name: string }): Promise<{ path: string; counts: GeneratedCounts; scale: number }> {
  const { openSqliteLedger } = await importBuilt<typeof SqliteLedgerModule>('ledger/sqlite/sqlite-ledger.js');
  const { insertEvents } = await importBuilt<typeof TicketStore>('ledger/sqlite/ticket-store.js');
  const scale = quick ? 0.1 : 1;
  const path = `${CACHE_DIR}report-ledger-v${GENERATOR_VERSION}-${scale === 1 ? '1m' : '100k'}.db`;
  const countsFile = `${path}.json`;
  if (existsSync(path) && existsSync(countsFile)) {
    process.stdout.write(`${name}: reusing the generated ledger ${path}\n`);
    return { path, counts: JSON.parse(readFileSync(countsFile, 'utf8')) as GeneratedCounts, scale };
  }
  process.stdout.write(`${name}: generating the ledger (${(1_000_000 * scale).toLocaleString('en-US')} calls, ${(200_000 * scale).toLocaleString('en-US')} tickets) into ${path}\n`);
  const building = `${path}.building`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(building + suffix, { force: true });
  const started = Date.now();
  const ledger = openSqliteLedger({ path: building });
  const counts = generateLedger(ledger, (events) => insertEvents(ledger.db, events), {
    tickets: 200_000 * scale,
    calls: 1_000_000 * scale,
    progress: (message) => process.stdout.write(`  ${message}\n`),
  });
  ledger.db.pragma('wal_checkpoint(TRUNCATE)');
  await ledger.close();
  renameSync(building, path);
  writeFileSync(countsFile, `${JSON.stringify(counts, null, 2)}\n`);
  process.stdout.write(`  generated in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}\n`);
  return { path, counts, scale };
}
