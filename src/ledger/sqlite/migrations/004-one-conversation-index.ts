import type { Migration } from './migration.js';

/**
 * `llm_calls_conversation (conversation_id, started_at)` answers nothing that `llm_calls_spend`,
 * which also leads with `conversation_id`, does not; every recorded call paid for both, on
 * random pages of each. One is enough.
 */
export const oneConversationIndex: Migration = {
  name: '004-one-conversation-index',
  up: 'DROP INDEX IF EXISTS llm_calls_conversation;',
};
