import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, ValidationError } from '../errors.js';
import { explainDelivery } from '../helpdesks/explain-delivery.js';
import { HELPDESKS, loadHelpdeskSettings, type Helpdesk } from '../helpdesks/helpdesk-config.js';
import type { CliOutput } from './report-command.js';

/**
 * Adds `cpr-meter webhook explain --helpdesk NAME FILE`: the events one helpdesk payload would
 * store, with the mapping of `--helpdesks FILE` (env `CPR_HELPDESKS`), or why none. Secrets are
 * not needed: nothing is verified or stored.
 */
export function registerWebhookCommand(program: Command, { env = process.env, stdout = process.stdout }: { env?: Record<string, string | undefined>; stdout?: CliOutput } = {}): void {
  const webhook = program.command('webhook').description('Helpdesk webhooks: check how deliveries are mapped');
  webhook
    .command('explain')
    .description('Print the events a helpdesk webhook payload would produce with the configured mapping (or why none)')
    .requiredOption('--helpdesk <name>', `one of ${HELPDESKS.join(', ')}`)
    .option('--helpdesks <file>', 'helpdesk configuration JSON (env CPR_HELPDESKS)')
    .argument('<file>', 'the payload, as the helpdesk sends it (JSON)')
    .action((file: string, options: { helpdesk: string; helpdesks?: string }) => {
      if (!(HELPDESKS as readonly string[]).includes(options.helpdesk)) {
        throw new ValidationError(`--helpdesk must be one of ${HELPDESKS.join(', ')}; got ${options.helpdesk}.`, { field: 'helpdesk' });
      }
      const configFile = options.helpdesks ?? (env.CPR_HELPDESKS || undefined);
      if (configFile === undefined) throw new ConfigError('Give the helpdesk configuration: --helpdesks FILE (or CPR_HELPDESKS).', { option: 'helpdesks' });
      const settings = loadHelpdeskSettings(configFile, env, { requireSecrets: false });
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (cause) {
        throw new ValidationError(`Cannot read ${file}: ${(cause as Error).message}`, { cause });
      }
      stdout.write(explainDelivery({ helpdesk: options.helpdesk as Helpdesk, text, settings }));
    });
}
