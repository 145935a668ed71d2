import { readFileSync } from 'node:fs';
import { resolveHelpdeskSettings, type HelpdeskSettings } from '../../src/helpdesks/helpdesk-config.js';

/** The secrets of the tests' helpdesks, as the environment gives them. */
export const ENV = {
  ZENDESK_WEBHOOK_SECRET: 'zd-signing-secret-0123456789',
  INTERCOM_CLIENT_SECRET: 'ic-client-secret-abcdef',
  HUBSPOT_CLIENT_SECRET: 'hs-client-secret-uvwxyz',
  FRESHDESK_WEBHOOK_TOKEN: 'fd-token-5f2b9c',
};

/** The tests' helpdesk configuration, as a `--helpdesks` file would hold it. */
export const CONFIG = {
  zendesk: {
    secretEnv: 'ZENDESK_WEBHOOK_SECRET', conversationId: 'external_id', category: 'tag:cat_', botUserIds: ['361234'],
    timeTrackingTotalFieldId: '360098765432',
  },
  intercom: { secretEnv: 'INTERCOM_CLIENT_SECRET', conversationId: 'attribute:bot_conversation_id', category: 'tag:cat_', botAdminIds: ['9608808'] },
  hubspot: {
    secretEnv: 'HUBSPOT_CLIENT_SECRET', conversationId: 'property:bot_conversation_id', closedStageIds: ['4', '5'],
    botOwnerIds: [], botSourceIds: ['2633736'],
  },
  freshdesk: { tokenEnv: 'FRESHDESK_WEBHOOK_TOKEN', conversationId: 'field:bot_conversation_id', category: 'tag:cat_', botAgentIds: ['48000000001'] },
};

/** {@link CONFIG} resolved. */
export const SETTINGS: Required<HelpdeskSettings> = resolveHelpdeskSettings(CONFIG, ENV) as Required<HelpdeskSettings>;

/** The raw text of `test/fixtures/helpdesks/<helpdesk>/<name>.json`. */
export function fixtureText(helpdesk: string, name: string): string {
  return readFileSync(new URL(`../fixtures/helpdesks/${helpdesk}/${name}.json`, import.meta.url), 'utf8');
}

/** A fixture, parsed. */
export function fixture(helpdesk: string, name: string): any {
  return JSON.parse(fixtureText(helpdesk, name));
}
