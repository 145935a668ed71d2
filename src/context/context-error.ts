import { CprError } from '../errors.js';

/**
 * Request context was asked for where there is none: `getConversation()` called outside a request
 * tracked by cpr-meter's middleware. A programming error, answered as a 500.
 */
export class ContextError extends CprError {
  override name = 'ContextError' as const;
  override readonly status = 500;
  override readonly type = 'server_error';
}
