import { Command } from 'commander';
import { openSqliteLedger } from '../ledger/sqlite/sqlite-ledger.js';
import { registerBackupCommand } from './backup-command.js';
import { registerCopyCommand } from './copy-command.js';
import { registerIngestCommand } from './ingest-command.js';
import { registerPruneCommand } from './prune-command.js';
import { registerReportCommand } from './report-command.js';
import { registerRepriceCommand } from './reprice-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerWebhookCommand } from './webhook-command.js';
import { registerSettingsCommand } from './settings-command.js';
import { registerTicketsCommands } from './tickets-command.js';
import { version } from './version.js';
import { LedgerError } from '../errors.js';
import { isPostgresUrl } from './ledger-target.js';
import type { CommandLedger } from './command-ledger.js';

/** A SQLite file or, for a `postgres://` URL, the PostgreSQL ledger. */
async function openAnyLedger(db: string): Promise<CommandLedger> {
  if (isPostgresUrl(db)) throw new LedgerError('PostgreSQL ledgers are not available in this build.');
  return openSqliteLedger({ path: db });
}

/**
 * The `cpr-meter` program with every command. It throws instead of exiting (commander's
 * `exitOverride`) and prints no error of its own: the caller prints one line per failure
 * (`failureLine`).
 */
export function createProgram(): Command {
  const program = new Command()
    .name('cpr-meter')
    .description('The true cost per resolution of your support chatbot, AI versus human.')
    .version(version)
    // Set before the commands are added, which inherit both: a mistyped option is one line that
    // says where to look (commander's own message, then its whole help, was a screenful).
    .exitOverride()
    .configureOutput({ outputError: () => {} });

  const ticketDeps = { openLedger: openAnyLedger };

  registerServeCommand(program);
  registerReportCommand(program, ticketDeps);
  registerIngestCommand(program, ticketDeps);
  registerRepriceCommand(program, ticketDeps);
  registerBackupCommand(program);
  registerCopyCommand(program, { openTarget: async () => { throw new LedgerError('PostgreSQL ledgers are not available in this build.'); } });
  registerPruneCommand(program);
  registerWebhookCommand(program);
  registerSettingsCommand(program, ticketDeps);
  registerTicketsCommands(program, { openLedger: async (path: string) => openSqliteLedger({ path }) });
  return program;
}
