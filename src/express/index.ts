/**
 * `cpr-meter/express`: the middleware that makes each request's conversation the current context,
 * and the functions that read it.
 *
 * @example
 * import { costTracking, getConversation } from 'cpr-meter/express';
 * app.use(costTracking());
 */
export { costTracking } from './cost-tracking.js';
export type { CostTrackingOptions, RequestIdReader } from './cost-tracking.js';
export { getConversation, runWithConversation, tryGetConversation } from '../context/conversation-context.js';
export type { ConversationContext } from '../context/conversation-context.js';
export { ContextError } from '../context/context-error.js';
