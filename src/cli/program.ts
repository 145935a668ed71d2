import { Command } from 'commander';
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
import { openLedger } from '../ledger/open-ledger.js';
import type { PostgresLedger } from '../ledger/postgres/postgres-ledger.js';
import { postgresCopyTarget } from '../ledger/copy/postgres-copy-target.js';

/** The ledger `db` names: a SQLite file, or a PostgreSQL database for a `postgres://` URL. */
const openAnyLedger = (db: string) => openLedger(db);

/** The PostgreSQL ledger at `url`, as the target of `cpr-meter copy` (the command checked it is a URL). */
const openCopyTarget = async (url: string) => postgresCopyTarget((await openLedger(url)) as PostgresLedger);

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
  registerCopyCommand(program, { openTarget: openCopyTarget });
  registerPruneCommand(program, ticketDeps);
  registerWebhookCommand(program);
  registerSettingsCommand(program, ticketDeps);
  registerTicketsCommands(program, ticketDeps);
  return program;
}
