#!/usr/bin/env node
import { Command } from 'commander';
import { CprError } from '../errors.js';
import { openSqliteLedger } from '../ledger/sqlite/sqlite-ledger.js';
import { registerBackupCommand } from './backup-command.js';
import { registerIngestCommand } from './ingest-command.js';
import { registerPruneCommand } from './prune-command.js';
import { registerReportCommand } from './report-command.js';
import { registerRepriceCommand } from './reprice-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerTicketsCommands } from './tickets-command.js';
import { version } from './version.js';

const program = new Command()
  .name('cpr-meter')
  .description('The true cost per resolution of your support chatbot, AI versus human.')
  .version(version)
  .showHelpAfterError();

const ticketDeps = { openLedger: async (path: string) => openSqliteLedger({ path }) };

registerServeCommand(program);
registerReportCommand(program, ticketDeps);
registerIngestCommand(program, ticketDeps);
registerRepriceCommand(program);
registerBackupCommand(program);
registerPruneCommand(program);
registerTicketsCommands(program, { openLedger: async (path) => openSqliteLedger({ path }) });

program.parseAsync(process.argv).catch((error: unknown) => {
  // Our own errors say what to fix; anything else is a bug and keeps its stack.
  process.stderr.write(error instanceof CprError ? `cpr-meter: ${error.message}\n` : `cpr-meter: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
