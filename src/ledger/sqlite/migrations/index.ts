import type { Migration } from './migration.js';
import { llmCalls } from './001-llm-calls.js';

/** Every migration, in the order it is applied. Append; never edit one that has shipped. */
export const migrations: readonly Migration[] = [llmCalls];

export type { Migration } from './migration.js';
