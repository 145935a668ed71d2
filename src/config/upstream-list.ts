import { ConfigError } from '../errors.js';
import { upstreamProviderOf } from '../pricing/upstream-provider.js';

/** One upstream of the proxy, resolved. */
export interface UpstreamConfig {
  /** Its name: in `/u/{name}/...` paths, the `x-cpr-upstream` header, the ledger, `/healthz`. */
  name: string;
  /** Its base URL, without a trailing slash. */
  url: string;
  /** The company whose API it is (a `@pydantic/genai-prices` id); `null` when unknown. */
  provider: string | null;
  /** The key that replaces the clients' credentials, if any (`CPR_UPSTREAM_API_KEY_<NAME>`). */
  apiKey: string | undefined;
}

/** The name of a single unnamed upstream (a bare URL): the name `/healthz` has always given it. */
export const DEFAULT_UPSTREAM_NAME = 'openai';

/** The name of the Anthropic upstream (`--anthropic-upstream`), reserved. */
export const ANTHROPIC_UPSTREAM_NAME = 'anthropic';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const NAMED = /^([A-Za-z0-9][A-Za-z0-9_-]{0,62})=(.+)$/;
// A provider id after the URL's last `@`: no dot, so that `https://user@host.com` stays a URL
// (whose credentials are then refused).
const PROVIDER_SUFFIX = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** The environment variable that holds an upstream's own key: `CPR_UPSTREAM_API_KEY_` and its name, uppercased, `-` as `_`. */
export function upstreamKeyVariable(name: string): string {
  return `CPR_UPSTREAM_API_KEY_${name.toUpperCase().replace(/-/g, '_')}`;
}

/** What {@link parseUpstreamList} needs. */
export interface UpstreamListInput {
  /** `--upstream` values (the option may repeat), else `CPR_UPSTREAM_URL`; each may hold several, comma-separated. */
  entries: readonly string[];
  /** Where the entries came from, for messages: `--upstream` or `CPR_UPSTREAM_URL`. */
  source: string;
  /** `--upstream-provider`: the first upstream's provider unless it names its own. */
  firstProvider: string | undefined;
  /** `CPR_UPSTREAM_API_KEY`: the first upstream's key unless it has its own. */
  sharedKey: string | undefined;
  env: Record<string, string | undefined>;
  /** Checks and normalises one URL (throws a `ConfigError` naming the option). */
  checkUrl: (url: string) => string;
}

function splitProvider(rest: string): { url: string; provider: string | undefined } {
  const at = rest.lastIndexOf('@');
  const suffix = at === -1 ? '' : rest.slice(at + 1);
  return at > 0 && PROVIDER_SUFFIX.test(suffix) ? { url: rest.slice(0, at), provider: suffix } : { url: rest, provider: undefined };
}

/**
 * Parses the proxy's upstreams: `name=url` or `name=url@provider` entries, or one bare URL (the
 * single upstream of earlier versions, named {@link DEFAULT_UPSTREAM_NAME}). The first is the
 * default. Throws a `ConfigError` naming the option for a malformed entry, a name used twice
 * (names that differ only in case or `-`/`_` share a key variable, and count as the same), the
 * reserved name `anthropic`, or several bare URLs.
 *
 * @example
 * parseUpstreamList({ entries: ['openai=https://api.openai.com/v1,groq=https://api.groq.com/openai/v1'], ... })
 * // [{ name: 'openai', url: 'https://api.openai.com/v1', provider: 'openai', ... }, { name: 'groq', ..., provider: 'groq' }]
 */
export function parseUpstreamList(input: UpstreamListInput): UpstreamConfig[] {
  const { source, env } = input;
  const items = input.entries.flatMap((entry) => entry.split(',')).map((item) => item.trim()).filter((item) => item !== '');
  const upstreams: UpstreamConfig[] = [];
  const variables = new Set<string>();
  for (const [index, item] of items.entries()) {
    const named = NAMED.exec(item);
    if (!named && items.length > 1) {
      throw new ConfigError(`${source}: with several upstreams, name each one as name=url (or name=url@provider); got ${item}.`, { option: 'upstream' });
    }
    const name = named ? named[1]! : DEFAULT_UPSTREAM_NAME;
    if (!NAME.test(name)) throw new ConfigError(`${source}: an upstream name is letters, digits, - and _; got ${name}.`, { option: 'upstream' });
    if (name.toLowerCase() === ANTHROPIC_UPSTREAM_NAME) {
      throw new ConfigError(`${source}: the name anthropic is the Anthropic upstream's; set its URL with --anthropic-upstream (CPR_ANTHROPIC_UPSTREAM_URL).`, { option: 'upstream' });
    }
    const variable = upstreamKeyVariable(name);
    if (variables.has(variable)) throw new ConfigError(`${source}: the upstream name ${name} is given twice (names differing only in case, - or _ are the same).`, { option: 'upstream' });
    variables.add(variable);
    const { url, provider } = splitProvider(named ? named[2]! : item);
    const explicit = provider ?? (index === 0 ? input.firstProvider : undefined);
    const checked = input.checkUrl(url);
    const ownKey = env[variable];
    upstreams.push({
      name,
      url: checked,
      provider: upstreamProviderOf({ url: checked, explicit }),
      apiKey: ownKey !== undefined && ownKey !== '' ? ownKey : index === 0 ? input.sharedKey : undefined,
    });
  }
  return upstreams;
}
