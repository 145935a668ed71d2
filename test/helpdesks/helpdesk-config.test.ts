import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadHelpdeskSettings, resolveHelpdeskSettings } from '../../src/helpdesks/helpdesk-config.js';
import { startServer } from '../../src/server/start-server.js';
import { silentLogger } from '../../src/logging/logger.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { CONFIG, ENV } from './helpdesk-fixtures.js';

const refused = (input: unknown, env: Record<string, string> = ENV) => {
  try {
    resolveHelpdeskSettings(input, env, 'helpdesks.json');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('the helpdesk configuration', () => {
  it('resolves the issue\'s example, with defaults, and the secrets from the variables it names', () => {
    const settings = resolveHelpdeskSettings(CONFIG, ENV);
    expect(settings.zendesk).toMatchObject({
      secret: ENV.ZENDESK_WEBHOOK_SECRET, conversationId: { kind: 'external_id' }, category: { kind: 'tag', prefix: 'cat_' },
      channel: { kind: 'source' }, ticketIdPrefix: '', botGroupIds: [],
    });
    expect(settings.hubspot).toMatchObject({ category: { kind: 'property', name: 'hs_ticket_category' }, trustForwardedHeaders: false });
    expect(settings.freshdesk?.token).toBe(ENV.FRESHDESK_WEBHOOK_TOKEN);
  });

  it('an error names the key at fault', () => {
    expect(refused({ zendesk: { ...CONFIG.zendesk, category: 'label:x' } }))
      .toBe('Invalid helpdesks.json: "zendesk.category" must be one of "tag:<prefix>", "type", "field:<id or name>".');
    expect(refused({ hubspot: { secretEnv: 'HUBSPOT_CLIENT_SECRET', closedStageIds: [] } }))
      .toBe('Invalid helpdesks.json: "hubspot.closedStageIds" must list at least one closed pipeline stage id.');
    expect(refused({ zendesk: {} })).toBe('Invalid helpdesks.json: "zendesk.secretEnv" is required.');
    expect(refused({ zendesk: { ...CONFIG.zendesk, secret: 'inline' } })).toBe('Invalid helpdesks.json: unknown key "secret" in "zendesk".');
    expect(refused({ zendesk2: {} })).toBe('Invalid helpdesks.json: unknown key "zendesk2" (known: zendesk, intercom, hubspot, freshdesk).');
    expect(refused({ hubspot: { secretEnv: 'HUBSPOT_CLIENT_SECRET', closedStageIds: ['4'], publicUrl: 'cpr.example.com' } }))
      .toMatch(/^Invalid helpdesks.json: "hubspot.publicUrl" must be the http\(s\) base URL/);
  });

  it('a secret variable that is not set is named, with what to export', () => {
    expect(refused({ intercom: { secretEnv: 'INTERCOM_CLIENT_SECRET' } }, {}))
      .toBe('helpdesks.json: "intercom.secretEnv" names INTERCOM_CLIENT_SECRET, which is not set: export INTERCOM_CLIENT_SECRET with the intercom webhook secret.');
  });

  it('serve refuses to start on a bad file, naming it', async () => {
    const dir = tempDir();
    try {
      writeFileSync(dir.file('helpdesks.json'), '{"zendesk": {"secretEnv": "ZENDESK_WEBHOOK_SECRET",}}');
      await expect(startServer({ port: 0, db: ':memory:', helpdesks: dir.file('helpdesks.json'), env: ENV, logger: silentLogger }))
        .rejects.toThrow(`The helpdesk configuration ${dir.file('helpdesks.json')} is not valid JSON`);
      expect(() => loadHelpdeskSettings(dir.file('missing.json'), ENV)).toThrow(/Cannot read the helpdesk configuration .*missing.json \(--helpdesks, CPR_HELPDESKS\)/);
    } finally {
      dir.remove();
    }
  });
});

describe('cpr-meter webhook explain', () => {
  it('prints the events a payload would produce, or why none, with the configured mapping and no secret set', async () => {
    const dir = tempDir();
    try {
      writeFileSync(dir.file('helpdesks.json'), JSON.stringify(CONFIG));
      const explain = (helpdesk: string, file: string) => runCli(['webhook', 'explain', '--helpdesk', helpdesk, `test/fixtures/helpdesks/${helpdesk}/${file}.json`],
        { env: { CPR_HELPDESKS: dir.file('helpdesks.json') } });
      const work = await explain('zendesk', 'ticket.custom_field_changed');
      expect(work.code).toBe(0);
      expect(work.stdout).toBe('zendesk ticket.custom_field_changed: 2 events\n'
        + '  {"type":"human.work","eventId":"zendesk:7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d:work","at":"2026-10-05T09:40:00.000Z","ticketId":"5158","seconds":600,"agentId":"362222222222"}\n'
        + '  {"type":"conversation.linked","eventId":"zendesk:7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d:linked","at":"2026-10-05T09:40:00.000Z","conversationId":"conv-zd-1","ticketId":"5158"}\n');
      const none = await explain('intercom', 'conversation.admin.snoozed');
      expect(none.stdout).toBe('intercom conversation.admin.snoozed: 0 events\n  none: a topic cpr-meter does not use\n');
      const unknown = await runCli(['webhook', 'explain', '--helpdesk', 'zammad', 'x.json'], { env: { CPR_HELPDESKS: dir.file('helpdesks.json') } });
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toBe('cpr-meter: --helpdesk must be one of zendesk, intercom, hubspot, freshdesk; got zammad.\n');
    } finally {
      dir.remove();
    }
  });
});
