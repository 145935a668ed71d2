import { Command } from 'commander';
import { openMigrated, ticketLedgerOf } from '../support/open-test-db.js';
import { registerReportCommand } from '../../src/cli/report-command.js';
import { registerIngestCommand } from '../../src/cli/ingest-command.js';

/** Runs `cpr-meter <args>` with the report and ingest commands, capturing stdout and stderr. */
export async function runCli(args: string[], { env = {}, now = Date.now, tty = false } = {}) {
  let stdout = '';
  let stderr = '';
  const program = new Command().name('cpr-meter').exitOverride().configureOutput({
    writeOut: (s) => { stdout += s; },
    writeErr: (s) => { stderr += s; },
  });
  const deps = {
    openLedger: async (path: string) => ticketLedgerOf(openMigrated(path), { owned: true }),
    env,
    now,
    stdout: { write: (s: string) => { stdout += s; } },
    stderr: { write: (s: string) => { stderr += s; }, isTTY: tty },
  };
  registerReportCommand(program, deps);
  registerIngestCommand(program, deps);
  let error: unknown = null;
  try {
    await program.parseAsync(['node', 'cpr-meter', ...args]);
  } catch (e) {
    error = e;
  }
  return { stdout, stderr, error: error as (Error & { field?: string | null; index?: number | null }) | null };
}
