/**
 * `cpr-meter/ai-sdk`: the Vercel AI SDK's calls recorded in process, whichever provider serves
 * them (OpenAI, Anthropic, Google, Vertex, Bedrock, Azure...), through the SDK's middleware.
 * Needs no package of the AI SDK itself: the middleware is typed by shape and speaks AI SDK 5
 * and 7. `createMeter()` has the same, bound to its ledger: `meter.aiSdkMiddleware()`.
 *
 * @example
 * import { wrapLanguageModel, generateText } from 'ai';
 * const model = wrapLanguageModel({ model: anthropic('claude-sonnet-4-5'), middleware: meter.aiSdkMiddleware() });
 */
export { aiSdkMiddleware } from './language-model-middleware.js';
export type { AiSdkMiddlewareOptions, CprLanguageModelMiddleware, SdkCallParams, SdkGenerateResult, SdkStreamResult } from './language-model-middleware.js';
export { aiSdkEmbeddingMiddleware, wrapEmbeddingModel } from './embedding-middleware.js';
export type { CprEmbeddingModelMiddleware, SdkEmbeddingModel, SdkEmbedParams, SdkEmbedResult } from './embedding-middleware.js';
export { providerIdentity } from './provider-identity.js';
export type { ProviderIdentity } from './provider-identity.js';
export { sdkUsage } from './sdk-usage.js';
export type { SdkModel, SdkResponse } from './sdk-call.js';
