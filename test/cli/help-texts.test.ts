import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../../src/cli/program.js';

const commandOf = (name: string): Command => createProgram().commands.find((command) => command.name() === name)!;
/** What `cpr-meter NAME --help` prints. */
function helpOf(name: string): string {
  const command = commandOf(name);
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s) });
  command.outputHelp();
  return text.replace(/\s+/g, ' ');
}

describe('--help', () => {
  it('gives every serve option its environment variable and its default', () => {
    for (const option of commandOf('serve').options) {
      expect(option.description, option.long).toMatch(/\(env CPR_[A-Z_]+[,)]/);
      expect(option.description, option.long).toMatch(/default/);
    }
  });

  it('says where the API keys go and that options resolve as option, then environment, then default', () => {
    const help = helpOf('serve');
    expect(help).toContain("API keys: clients' keys pass through to the upstream. CPR_UPSTREAM_API_KEY (environment only) replaces them");
    expect(help).toContain('Each option resolves as: the option, then its environment variable, then the default.');
    expect(help).toContain('Anthropic upstream, without /v1');
  });

  it('gives --db, --prices and every option with a default the same wording in every command', () => {
    for (const name of ['serve', 'report', 'ingest', 'reprice', 'backup', 'prune', 'settings', 'tickets', 'ticket']) {
      const help = helpOf(name);
      expect(help, name).toContain('--db <ledger> SQLite ledger file or PostgreSQL URL, postgres://user:password@host/db (env CPR_DB, default ./cpr-meter.db)');
      if (help.includes('--prices')) expect(help, name).toContain('(env CPR_PRICES, default: bundled prices only)');
      if (help.includes('--group-by')) expect(help, name).toContain('(default: no breakdown)');
    }
  });
});
