/**
 * The in-process way in: SDK clients (`openai`, `@anthropic-ai/sdk`) whose calls are recorded
 * like the proxy records them.
 *
 * @example
 * import { wrapOpenAI, wrapAnthropic } from 'cpr-meter';
 * const client = wrapOpenAI(new OpenAI(), { recorder, prices });
 * const claude = wrapAnthropic(new Anthropic(), { recorder, prices });
 */
export { wrapOpenAI } from './wrap-openai.js';
export type { OpenAIClient, WrapOpenAIOptions } from './wrap-openai.js';
export { wrapAnthropic } from './wrap-anthropic.js';
export type { AnthropicClient, WrapAnthropicOptions } from './wrap-anthropic.js';
