// The real APIs answer an alias with the dated snapshot that served it; a proxy that prices by
// the response model must cope with that, so the simulator does the same.
const SNAPSHOTS: Readonly<Record<string, string>> = {
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano': 'gpt-4.1-nano-2025-04-14',
  'gpt-3.5-turbo': 'gpt-3.5-turbo-0125',
  'gpt-5': 'gpt-5-2025-08-07',
  'gpt-5-mini': 'gpt-5-mini-2025-08-07',
  'gpt-5-nano': 'gpt-5-nano-2025-08-07',
  o1: 'o1-2024-12-17',
  o3: 'o3-2025-04-16',
  'o3-mini': 'o3-mini-2025-01-31',
  'o4-mini': 'o4-mini-2025-04-16',
  'claude-sonnet-4-0': 'claude-sonnet-4-20250514',
  'claude-sonnet-4': 'claude-sonnet-4-20250514',
  'claude-opus-4-0': 'claude-opus-4-20250514',
  'claude-3-7-sonnet-latest': 'claude-3-7-sonnet-20250219',
  'claude-3-5-sonnet-latest': 'claude-3-5-sonnet-20241022',
  'claude-3-5-haiku-latest': 'claude-3-5-haiku-20241022',
};

/**
 * The model name a real API reports for a requested model: aliases become dated snapshots,
 * anything else is echoed unchanged.
 *
 * @example
 * responseModelFor('gpt-4o-mini'); // 'gpt-4o-mini-2024-07-18'
 */
export function responseModelFor(requested: string): string {
  return SNAPSHOTS[requested] ?? requested;
}

/** Reasoning tokens the default responder adds to the output of a reasoning model. */
export const DEFAULT_REASONING_TOKENS = 64;

/**
 * True for reasoning models: OpenAI's `o1`, `o3`, `o3-mini`, `o4-mini`, `gpt-5*` (snapshots
 * included) and Gemini 2.5 and 3 (which think by default, except the Flash-Lite models).
 */
export function isReasoningModel(model: string): boolean {
  if (/^gemini-(2\.5|3)/.test(model)) return !model.includes('flash-lite');
  return /^o[134](-|$)/.test(model) || model.startsWith('gpt-5');
}

/** Embedding vector length of a model when the request names no `dimensions`. */
export function embeddingDimensions(model: string): number {
  return model === 'text-embedding-3-large' ? 3072 : 1536;
}

/** The models `GET /v1/models` lists, with their real creation times. */
export const LISTED_MODELS: ReadonlyArray<{ id: string; created: number; owned_by: string }> = [
  { id: 'gpt-4o-mini', created: 1721172741, owned_by: 'system' },
  { id: 'gpt-4o', created: 1715367049, owned_by: 'system' },
  { id: 'gpt-4.1-mini', created: 1744318173, owned_by: 'system' },
  { id: 'o4-mini', created: 1744225351, owned_by: 'system' },
  { id: 'gpt-3.5-turbo-instruct', created: 1692901427, owned_by: 'system' },
  { id: 'text-embedding-3-small', created: 1705948997, owned_by: 'system' },
  { id: 'text-embedding-3-large', created: 1705953180, owned_by: 'system' },
];
