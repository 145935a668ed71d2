import type { InProcessRecordingOptions } from './recording-options.js';
import { ConfigError } from '../errors.js';
import { clientKind, hasOwnFetch, instrumentClient } from './instrument-client.js';

/**
 * What {@link wrapOpenAI} takes, by its shape: a client of the `openai` package, of whichever
 * supported version the application has. (Typed by shape, so that neither the wrapper nor the
 * `cpr-meter` entry needs `openai`'s own types, and an openai 4 client is as welcome as a 6.)
 */
export interface OpenAIClient {
  chat: { completions: { create: (...args: never[]) => unknown } };
}

/** Options of {@link wrapOpenAI}. */
export interface WrapOpenAIOptions extends InProcessRecordingOptions {
  /**
   * The company whose API the client calls (`openai`, `groq`, `openrouter`...), for its prices.
   * Default: matched from the client's `baseURL` (`null` when it matches none, a local server).
   */
  upstreamProvider?: string;
}

/** The `openai` versions the wrapper supports, as the package's peer dependency states them. */
const SUPPORTED_OPENAI = 'openai 4.x (4.104 or later), 5.x or 6.x';

/**
 * Throws a {@link ConfigError} for anything but a client of the `openai` package that calls its
 * own `fetch` (openai 4 and later): wrapping another (an Anthropic client, an openai 3
 * `OpenAIApi`) would record nothing and say nothing.
 */
function refuseOtherClients(client: unknown): void {
  const kind = clientKind(client);
  if (kind !== 'openai') {
    throw new ConfigError(kind === 'anthropic'
      ? `wrapOpenAI() records clients of the openai package (${SUPPORTED_OPENAI}); this is an Anthropic client: wrap it with wrapAnthropic() (meter.wrapAnthropic(client)).`
      : `wrapOpenAI() records clients of the openai package (${SUPPORTED_OPENAI}), made with new OpenAI(); this is not one (it has no chat.completions.create).`,
    { option: 'client' });
  }
  if (!hasOwnFetch(client)) {
    throw new ConfigError(`wrapOpenAI() records clients of the openai package (${SUPPORTED_OPENAI}) through the client's own \`fetch\`; this client has none (an older openai?).`, { option: 'client' });
  }
}

/**
 * Records the LLM calls of an `openai` client in cpr-meter's ledger, priced and parsed exactly
 * as the proxy does, and returns the same client, typed the same. Chat completions, responses,
 * embeddings and legacy completions are recorded, streamed or not, through `create()`, the
 * `.stream()` helpers, `.withResponse()` and `.asResponse()`. Streams without usage get
 * `stream_options.include_usage` added and the extra chunk hidden from the caller. Recording
 * happens after the response is handed back, never changes what the caller gets and never
 * throws into it. Anything but an `openai` client (4.x to 6.x) is refused with a
 * {@link ConfigError}. Wrapping a client twice (or a client derived from a wrapped one with
 * `withOptions`) changes nothing: the first wrapping's options stay.
 *
 * @example
 * const client = wrapOpenAI(new OpenAI(), { recorder, prices });
 * app.use(costTracking());
 * app.post('/chat', async (req, res) => res.json(await client.chat.completions.create(params)));
 */
export function wrapOpenAI<T extends OpenAIClient>(client: T, { recorder, prices, conversationId, ticketId, now = Date.now, onAttribution, upstreamProvider }: WrapOpenAIOptions): T {
  refuseOtherClients(client);
  return instrumentClient(client, { provider: 'openai', recorder, prices, now, onAttribution, upstreamProvider, conversationId, ticketId });
}
