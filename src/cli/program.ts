import { Command } from 'commander';
import { openSqliteLedger } from '../ledger/sqlite/sqlite-ledger.js';
import { registerBackupCommand } from './backup-command.js';
import { registerIngestCommand } from './ingest-command.js';
import { registerPruneCommand } from './prune-command.js';
import { registerReportCommand } from './report-command.js';
import { registerRepriceCommand } from './reprice-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerWebhookCommand } from './webhook-command.js';
import { registerSettingsCommand } from './settings-command.js';
import { registerTicketsCommands } from './tickets-command.js';
import { version } from './version.js';

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

  const ticketDeps = { openLedger: async (path: string) => openSqliteLedger({ path }) };

  registerServeCommand(program);
  registerReportCommand(program, ticketDeps);
  registerIngestCommand(program, ticketDeps);
  registerRepriceCommand(program);
  registerBackupCommand(program);
  registerPruneCommand(program);
  registerWebhookCommand(program);
  registerSettingsCommand(program, ticketDeps);
  registerTicketsCommands(program, ticketDeps);
  return program;
}
