/**
 * The simulated LLM upstream: a local server that answers like OpenAI, Anthropic, Azure OpenAI and
 * Gemini (native API), for tests,
 * the demo and benchmarks.
 */
export { startSimulatedUpstream } from './server.js';
export type { RecordedRequest, SimScript, SimUsage, SimulatedUpstream, SimulatedUpstreamOptions } from './types.js';
export { responseModelFor, isReasoningModel, DEFAULT_REASONING_TOKENS } from './models.js';
export { supportReply } from './replies.js';
export { countTokens, countPromptTokens } from './tokenizer.js';
export type { PromptMessage } from './tokenizer.js';
