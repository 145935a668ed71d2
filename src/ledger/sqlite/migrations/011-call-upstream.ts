import type { Migration } from './migration.js';

/**
 * The proxy's upstream that served each call, by its name (`--upstream name=url`), beside the
 * company whose API it is (`upstream_provider`). Rows recorded before, and calls recorded in
 * process, have `NULL`.
 */
export const callUpstream: Migration = {
  name: '011-call-upstream',
  up: 'ALTER TABLE llm_calls ADD COLUMN upstream TEXT;',
};
