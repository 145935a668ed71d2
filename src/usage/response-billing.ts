import type { Usage } from './types.js';

/** Responses API `output[]` item types billed per call, and the usage part each one counts in. */
const BILLED_ITEMS: Record<string, 'webSearches' | 'fileSearches' | 'codeExecutions'> = {
  web_search_call: 'webSearches',
  file_search_call: 'fileSearches',
  code_interpreter_call: 'codeExecutions',
};

/** What a tier name looks like. */
const TIER = /^[A-Za-z0-9_.-]{1,40}$/;

/**
 * Adds to a usage what a response says outside its `usage` object: the `service_tier` that served
 * it (OpenAI puts it on the response, or on every chunk of a stream) and the tool calls billed per
 * call among a Responses API answer's `output[]` items (`web_search_call`, `file_search_call`,
 * `code_interpreter_call`). Sets them on `usage` (a fresh object from `parseUsage`) and returns it.
 *
 * @example
 * withResponseBilling(usage, { service_tier: 'flex', output: [{ type: 'web_search_call' }, { type: 'message' }] })
 * // { ...usage, serviceTier: 'flex', webSearches: 1 }
 */
export function withResponseBilling(usage: Usage | null, response: Record<string, unknown>): Usage | null {
  if (usage === null) return null;
  const tier = response.service_tier;
  const output = response.output;
  // The usage is a fresh one from `parseUsage`: completed in place, no copy on every call.
  if (usage.serviceTier == null && typeof tier === 'string' && TIER.test(tier)) usage.serviceTier = tier;
  if (!Array.isArray(output)) return usage;
  const counts: Partial<Record<'webSearches' | 'fileSearches' | 'codeExecutions', number>> = {};
  for (const item of output) {
    const type = (item as { type?: unknown } | null)?.type;
    const key = typeof type === 'string' ? BILLED_ITEMS[type] : undefined;
    if (key) counts[key] = (counts[key] ?? 0) + 1;
  }
  if (Object.keys(counts).length === 0) return usage;
  // A Responses answer lists every tool call it made: none of a kind is a known 0.
  usage.webSearches = counts.webSearches ?? 0;
  usage.fileSearches = counts.fileSearches ?? 0;
  usage.codeExecutions = counts.codeExecutions ?? 0;
  return usage;
}
