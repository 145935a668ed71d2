/** What follows a model name in a dated snapshot of it: `-2024-08-06`, `-20250514`, `-0613`. */
const SNAPSHOT_SUFFIX = /^-(?:\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$/;

/**
 * Whether a price-file key prices `model`: the same name; or a dated snapshot of it (`gpt-4o`
 * prices `gpt-4o-2024-08-06`, never `gpt-4o-mini`); or, for a key ending in `*`, any name that
 * starts with what precedes the `*`. Pure.
 *
 * @example
 * keyMatches('gpt-4o', 'gpt-4o-2024-08-06') // true
 * keyMatches('gpt-4o', 'gpt-4o-mini')        // false
 * keyMatches('gpt-4o*', 'gpt-4o-mini')       // true
 */
export function keyMatches(key: string, model: string): boolean {
  if (key.endsWith('*')) return model.startsWith(key.slice(0, -1));
  return model === key || (model.startsWith(key) && SNAPSHOT_SUFFIX.test(model.slice(key.length)));
}

/**
 * The key of `keys` that prices `model`: an exact or snapshot match first, else the longest
 * explicit prefix; `undefined` when none does.
 */
export function findKey(keys: readonly string[], model: string): string | undefined {
  if (keys.includes(model) && !model.endsWith('*')) return model;
  const named = keys.find((key) => !key.endsWith('*') && keyMatches(key, model));
  if (named !== undefined) return named;
  let best: string | undefined;
  for (const key of keys) if (key.endsWith('*') && keyMatches(key, model) && (best === undefined || key.length > best.length)) best = key;
  return best;
}
