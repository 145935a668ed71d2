import type { InProcessRecordingOptions } from './recording-options.js';
import { ConfigError } from '../errors.js';
import { clientKind, hasOwnFetch, instrumentClient } from './instrument-client.js';

/**
 * What {@link wrapAnthropic} takes, by its shape: a client of `@anthropic-ai/sdk`, of whichever
 * supported version the application has (typed by shape, so that cpr-meter needs none of the
 * SDK's types, and a 0.x client is as welcome as a 1.x).
 */
export interface AnthropicClient {
  messages: { create: (...args: never[]) => unknown };
}

/** Options of {@link wrapAnthropic}: the same as `wrapOpenAI`'s. */
export interface WrapAnthropicOptions extends InProcessRecordingOptions {
  /**
   * The company whose API the client calls, for its prices. Default: matched from the client's
   * `baseURL` (`anthropic` for `https://api.anthropic.com`; `null` when it matches none, a local server).
   */
  upstreamProvider?: string;
}

/** The `@anthropic-ai/sdk` versions the wrapper supports, as the package's peer dependency states them. */
const SUPPORTED_ANTHROPIC = '@anthropic-ai/sdk 0.x (0.137 or later) or 1.x';

/** Throws a {@link ConfigError} for anything but an `@anthropic-ai/sdk` client that calls its own `fetch`. */
function refuseOtherClients(client: unknown): void {
  const kind = clientKind(client);
  if (kind !== 'anthropic') {
    throw new ConfigError(kind === 'openai'
      ? `wrapAnthropic() records clients of ${SUPPORTED_ANTHROPIC}; this is an OpenAI client: wrap it with wrapOpenAI() (meter.wrapOpenAI(client)).`
      : `wrapAnthropic() records clients of ${SUPPORTED_ANTHROPIC}, made with new Anthropic(); this is not one (it has no messages.create).`,
    { option: 'client' });
  }
  if (!hasOwnFetch(client)) {
    throw new ConfigError(`wrapAnthropic() records clients of ${SUPPORTED_ANTHROPIC} through the client's own \`fetch\`; this client has none (an older @anthropic-ai/sdk?).`, { option: 'client' });
  }
}

/**
 * Records the LLM calls of an `@anthropic-ai/sdk` client in cpr-meter's ledger, parsed and priced
 * exactly as the proxy does `POST /v1/messages`, and returns the same client, typed the same.
 * `messages.create()`, streamed (`stream: true`) or not, `messages.stream()` and the beta
 * `messages` are recorded, a stream left early as `aborted` with estimated output; counting
 * tokens (`messages.countTokens`) and message batches are not calls and are not recorded.
 * Recording happens after the response is handed back, never changes what the caller gets and
 * never throws into it. Anything but an Anthropic client is refused with a {@link ConfigError}
 * (an OpenAI client is told to use `wrapOpenAI()`). Wrapping a client twice (or a client derived
 * with `withOptions`) changes nothing: the first wrapping's options stay.
 *
 * @example
 * const anthropic = wrapAnthropic(new Anthropic(), { recorder, prices });
 * await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 512, messages });
 */
export function wrapAnthropic<T extends AnthropicClient>(client: T, { recorder, prices, conversationId, ticketId, now = Date.now, onAttribution, upstreamProvider }: WrapAnthropicOptions): T {
  refuseOtherClients(client);
  return instrumentClient(client, { provider: 'anthropic', recorder, prices, now, onAttribution, upstreamProvider, conversationId, ticketId });
}
