/**
 * Where a value is found on a ticket, as the configuration writes it: `external_id`, `id`,
 * `type`, `source`, `field:<id or name>`, `attribute:<name>`, `property:<name>`, `tag:<prefix>`.
 */
export type Locator =
  | { kind: 'external_id' }
  | { kind: 'id' }
  | { kind: 'type' }
  | { kind: 'source' }
  | { kind: 'field'; name: string }
  | { kind: 'attribute'; name: string }
  | { kind: 'property'; name: string }
  | { kind: 'tag'; prefix: string };

const BARE = ['external_id', 'id', 'type', 'source'] as const;
const NAMED = ['field', 'attribute', 'property'] as const;

/**
 * Reads a locator string; `null` when it is none of the forms, or not one `allowed` lists.
 *
 * @example
 * parseLocator('tag:cat_', ['tag', 'type']); // { kind: 'tag', prefix: 'cat_' }
 */
export function parseLocator(text: string, allowed: readonly Locator['kind'][]): Locator | null {
  const locator = read(text);
  return locator !== null && allowed.includes(locator.kind) ? locator : null;
}

function read(text: string): Locator | null {
  if ((BARE as readonly string[]).includes(text)) return { kind: text as (typeof BARE)[number] };
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const kind = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (kind === 'tag') return { kind: 'tag', prefix: rest };
  if ((NAMED as readonly string[]).includes(kind) && rest !== '') return { kind: kind as (typeof NAMED)[number], name: rest };
  return null;
}

/** The written forms of the allowed kinds, for error messages. */
export function locatorForms(allowed: readonly Locator['kind'][]): string {
  const forms: Record<Locator['kind'], string> = {
    external_id: 'external_id', id: 'id', type: 'type', source: 'source',
    field: 'field:<id or name>', attribute: 'attribute:<name>', property: 'property:<name>', tag: 'tag:<prefix>',
  };
  return allowed.map((kind) => `"${forms[kind]}"`).join(', ');
}

/** The value after a tag prefix, from the first tag that has it (`cat_billing` → `billing`). */
export function fromTags(tags: readonly string[], prefix: string): string | null {
  for (const tag of tags) {
    if (tag.startsWith(prefix) && tag.length > prefix.length) return tag.slice(prefix.length);
  }
  return null;
}
