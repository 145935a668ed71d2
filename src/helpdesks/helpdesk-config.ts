import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { locatorForms, parseLocator, type Locator } from './locator.js';

/** The helpdesks cpr-meter reads webhooks from. */
export const HELPDESKS = ['zendesk', 'intercom', 'hubspot', 'freshdesk'] as const;
/** One of {@link HELPDESKS}. */
export type Helpdesk = (typeof HELPDESKS)[number];

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable');
const ids = z.array(z.union([z.string().min(1), z.number().int()]).transform(String)).default([]);

/** A locator string, read into a {@link Locator} of one of the `allowed` kinds. */
function locatorOf(allowed: Locator['kind'][]) {
  return z.string().refine((text) => parseLocator(text, allowed) !== null, `must be one of ${locatorForms(allowed)}`)
    .transform((text) => parseLocator(text, allowed)!);
}
const locator = (allowed: Locator['kind'][]) => locatorOf(allowed).optional();
// `prefault`: the default goes through the parse, so it is a Locator like any given value.
const locatorOr = (allowed: Locator['kind'][], fallback: string) => locatorOf(allowed).prefault(fallback);

const common = {
  /** Prefix added to the helpdesk's ticket id, so that it equals the bot's `x-cpr-ticket-id`. */
  ticketIdPrefix: z.string().max(64).default(''),
};

const zendesk = z.strictObject({
  secretEnv: envName,
  conversationId: locatorOr(['external_id', 'field'], 'external_id'),
  category: locator(['tag', 'type', 'field']),
  channel: locatorOr(['source', 'field'], 'source'),
  botUserIds: ids,
  botGroupIds: ids,
  timeTrackingTotalFieldId: z.union([z.string().min(1), z.number().int()]).transform(String).optional(),
  ...common,
});

const intercom = z.strictObject({
  secretEnv: envName,
  conversationId: locatorOr(['id', 'attribute'], 'id'),
  category: locator(['tag', 'attribute']),
  channel: locatorOr(['source', 'attribute'], 'source'),
  botAdminIds: ids,
  botTeamIds: ids,
  ...common,
});

const hubspot = z.strictObject({
  secretEnv: envName,
  publicUrl: z.url({ protocol: /^https?$/, error: 'must be the http(s) base URL HubSpot calls, e.g. https://cpr.example.com' }).optional(),
  trustForwardedHeaders: z.boolean().default(false),
  conversationId: locator(['property']),
  category: locatorOr(['property'], 'property:hs_ticket_category'),
  channel: locatorOr(['property'], 'property:source_type'),
  closedStageIds: z.array(z.union([z.string().min(1), z.number().int()]).transform(String)).min(1, 'must list at least one closed pipeline stage id'),
  botOwnerIds: ids,
  botSourceIds: ids,
  ...common,
});

const freshdesk = z.strictObject({
  tokenEnv: envName,
  conversationId: locator(['field']),
  category: locatorOr(['type', 'tag', 'field'], 'type'),
  channel: locatorOr(['source', 'field'], 'source'),
  botAgentIds: ids,
  ...common,
});

const fileSchema = z.strictObject({
  zendesk: zendesk.optional(),
  intercom: intercom.optional(),
  hubspot: hubspot.optional(),
  freshdesk: freshdesk.optional(),
});

/** Zendesk's options, resolved. */
export type ZendeskOptions = z.output<typeof zendesk>;
/** Intercom's options, resolved. */
export type IntercomOptions = z.output<typeof intercom>;
/** HubSpot's options, resolved. */
export type HubspotOptions = z.output<typeof hubspot>;
/** Freshdesk's options, resolved. */
export type FreshdeskOptions = z.output<typeof freshdesk>;

/** The helpdesks configured, each with its options and the secret read from its environment variable. */
export interface HelpdeskSettings {
  zendesk?: ZendeskOptions & { secret: string };
  intercom?: IntercomOptions & { secret: string };
  hubspot?: HubspotOptions & { secret: string };
  freshdesk?: FreshdeskOptions & { token: string };
}

/**
 * Validates a helpdesk configuration (the parsed JSON of `--helpdesks FILE`) and reads each
 * secret from the environment variable it names. Throws a `ConfigError` naming the key at
 * fault (`hubspot.closedStageIds`) or the variable to set.
 *
 * @example
 * const settings = resolveHelpdeskSettings({ zendesk: { secretEnv: 'ZENDESK_WEBHOOK_SECRET' } }, process.env);
 */
export function resolveHelpdeskSettings(
  input: unknown, env: Record<string, string | undefined>, source = 'helpdesk configuration', { requireSecrets = true }: { requireSecrets?: boolean } = {},
): HelpdeskSettings {
  const parsed = fileSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.map(String).join('.');
    const where = key === '' ? '' : ` in "${key}"`;
    const message = issue.code === 'unrecognized_keys'
      ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}${where}${key === '' ? ` (known: ${HELPDESKS.join(', ')})` : ''}`
      : `"${key}" ${/received undefined$/.test(issue.message) ? 'is required' : issue.message}`;
    throw new ConfigError(`Invalid ${source}: ${message}.`, { option: 'helpdesks' });
  }
  const settings: HelpdeskSettings = {};
  const secret = (helpdesk: Helpdesk, key: 'secretEnv' | 'tokenEnv', name: string): string => {
    const value = env[name];
    if (!requireSecrets) return value ?? '';
    if (value === undefined || value === '') {
      throw new ConfigError(`${source}: "${helpdesk}.${key}" names ${name}, which is not set: export ${name} with the ${helpdesk} webhook ${key === 'tokenEnv' ? 'token' : 'secret'}.`, { option: 'helpdesks' });
    }
    return value;
  };
  const { zendesk: z1, intercom: i1, hubspot: h1, freshdesk: f1 } = parsed.data;
  if (z1) settings.zendesk = { ...z1, secret: secret('zendesk', 'secretEnv', z1.secretEnv) };
  if (i1) settings.intercom = { ...i1, secret: secret('intercom', 'secretEnv', i1.secretEnv) };
  if (h1) settings.hubspot = { ...h1, secret: secret('hubspot', 'secretEnv', h1.secretEnv) };
  if (f1) settings.freshdesk = { ...f1, token: secret('freshdesk', 'tokenEnv', f1.tokenEnv) };
  return settings;
}

/** Reads and resolves `--helpdesks FILE`; a missing file or malformed JSON is a `ConfigError` naming the file. */
export function loadHelpdeskSettings(path: string, env: Record<string, string | undefined>, options: { requireSecrets?: boolean } = {}): HelpdeskSettings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`Cannot read the helpdesk configuration ${path} (--helpdesks, CPR_HELPDESKS): ${(cause as Error).message}`, { option: 'helpdesks', cause });
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`The helpdesk configuration ${path} is not valid JSON: ${(cause as Error).message}`, { option: 'helpdesks', cause });
  }
  return resolveHelpdeskSettings(input, env, path, options);
}
