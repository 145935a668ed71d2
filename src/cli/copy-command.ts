import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { ValidationError } from '../errors.js';
import { COPY_PARTS, copyLedger, type CopyProgress, type CopyResult } from '../ledger/copy/copy-ledger.js';
import type { CopyTarget } from '../ledger/copy/copy-target.js';
import { SqliteCopySource } from '../ledger/copy/sqlite-source.js';
import { openCommandLedger } from './command-ledger.js';
import { requireLedgerFile } from './ledger-path.js';
import { describeDb, isPostgresUrl } from './ledger-target.js';
import type { CliOutput } from './report-command.js';

/** What `cpr-meter copy` needs: how to open the ledger it writes to, and where it prints. */
export interface CopyCommandDeps {
  /** Opens the PostgreSQL ledger at a URL (migrations applied) for a copy. */
  openTarget: (url: string) => Promise<CopyTarget>;
  stdout?: CliOutput;
  stderr?: CliOutput;
}

/** How often, at most, a progress line is printed when stderr is not a terminal, ms. */
const LINE_EVERY_MS = 1_000;

const count = (n: number): string => n.toLocaleString('en-US');

/** The summary printed at the end: rows copied and skipped, part by part, and the time. */
export function formatCopyResult({ result, from, to }: { result: CopyResult; from: string; to: string }): string {
  const width = Math.max(...COPY_PARTS.map((part) => part.length));
  const lines = COPY_PARTS.map((part) => {
    const c = result.counts[part];
    return `  ${part.padEnd(width)}  ${count(c.copied).padStart(11)} copied, ${count(c.skipped).padStart(11)} skipped as already there`
      + (c.conflicts > 0 ? ` (${count(c.conflicts)} with other content there: kept as they were)` : '');
  });
  const copied = COPY_PARTS.reduce((sum, part) => sum + result.counts[part].copied, 0);
  const skipped = COPY_PARTS.reduce((sum, part) => sum + result.counts[part].skipped, 0);
  return [
    `copied ${from} to ${to} in ${(result.ms / 1000).toFixed(1)} s: ${count(copied)} rows copied, ${count(skipped)} skipped as already there`,
    ...lines,
    'The report facts kept between reports are not copied: the target builds its own at its first report.',
    '',
  ].join('\n');
}

/** A progress line, as printed when stderr is not a terminal. */
const progressLine = (p: CopyProgress): string =>
  `copy: ${count(p.done)} of ${count(p.total)} rows (${p.part}: ${count(p.counts[p.part].copied)} copied, ${count(p.counts[p.part].skipped)} skipped)\n`;

/**
 * Adds `cpr-meter copy --from FILE --to URL`: moves an embedded (SQLite) ledger into PostgreSQL
 * (settings, helpdesk stage moves, events, LLM calls), a batch per transaction, with a progress
 * bar on a terminal and progress lines otherwise. Run again after an interruption, it resumes
 * where it stopped; run again after it finished, it copies nothing: every row is skipped.
 */
export function registerCopyCommand(program: Command, deps: CopyCommandDeps): void {
  program
    .command('copy')
    .description('Copy an embedded (SQLite) ledger into PostgreSQL: settings, events, LLM calls; resumable, never doubles a row')
    .requiredOption('--from <file>', 'the SQLite ledger to copy (it is only read)')
    .requiredOption('--to <url>', 'the PostgreSQL ledger, postgres://user:password@host/db (created tables, kept rows left as they are)')
    .option('--batch-size <n>', 'rows per transaction (integer from 1 to 50000, default 2000)')
    .action(async (options: { from: string; to: string; batchSize?: string }) => {
      const stdout = deps.stdout ?? process.stdout;
      const stderr = deps.stderr ?? process.stderr;
      if (!isPostgresUrl(options.to)) {
        throw new ValidationError(`--to must be a PostgreSQL URL (postgres://user:password@host/db); got "${describeDb(options.to)}". `
          + 'To copy a SQLite ledger to a file, use cpr-meter backup.', { field: '--to' });
      }
      const batchSize = options.batchSize === undefined ? 2_000 : Number(options.batchSize);
      if (!/^\d+$/.test(options.batchSize ?? '1') || batchSize < 1 || batchSize > 50_000) {
        throw new ValidationError(`--batch-size must be a whole number from 1 to 50000; got "${options.batchSize}".`, { field: '--batch-size' });
      }
      requireLedgerFile(options.from);
      const to = describeDb(options.to);
      const source = new SqliteCopySource(options.from);
      let bar: SingleBar | null = null;
      try {
        const target = await openCommandLedger(options.to, deps.openTarget);
        try {
          let lineAt = 0;
          const result = await copyLedger({
            source, target, batchSize,
            onProgress: (p) => {
              if (stderr.isTTY === true) {
                if (bar === null) {
                  bar = new SingleBar({ stream: stderr as NodeJS.WritableStream, format: 'copy [{bar}] {percentage}% | {value}/{total} rows | {part}',
                    hideCursor: true, clearOnComplete: true });
                  bar.start(p.total, 0, { part: p.part });
                }
                bar.update(p.done, { part: p.part });
              } else if (performance.now() - lineAt >= LINE_EVERY_MS || (p.done === p.total && lineAt !== Infinity)) {
                lineAt = p.done === p.total ? Infinity : performance.now();
                stdout.write(progressLine(p));
              }
            },
          });
          (bar as SingleBar | null)?.stop();
          bar = null;
          stdout.write(formatCopyResult({ result, from: options.from, to }));
        } finally {
          await target.close();
        }
      } finally {
        (bar as SingleBar | null)?.stop();
        source.close();
      }
    });
}
