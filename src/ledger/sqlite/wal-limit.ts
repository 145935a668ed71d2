/**
 * The size the WAL is cut back to whenever a checkpoint lets it start over, bytes
 * (`PRAGMA journal_size_limit`, set on every connection that writes): 4 MiB. Between two such
 * restarts it grows with what is written (the background checkpoints copy it every 100 ms), and
 * an idle ledger's WAL is cut to 0 bytes (see `background-checkpoints.ts`).
 */
export const WAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024;
