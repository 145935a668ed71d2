/**
 * The in-process way in: an `openai` client whose calls are recorded like the proxy records them.
 *
 * @example
 * import { wrapOpenAI } from 'cpr-meter';
 * const client = wrapOpenAI(new OpenAI(), { recorder, prices });
 */
export { wrapOpenAI } from './wrap-openai.js';
export type { OpenAIClient, WrapOpenAIOptions } from './wrap-openai.js';
