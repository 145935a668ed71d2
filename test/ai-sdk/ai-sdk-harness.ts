import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { SimScript, SimulatedUpstream } from '../../src/simulator/index.js';
import { eventually, startProxyHarness, type CallRow, type ProxyHarness } from '../support/proxy-harness.js';
import { startWrapperHarness, type WrapperHarness } from '../wrapper/wrapper-harness.js';

/**
 * What identifies one run (ids, clock, latencies, the upstream's request and response ids) and
 * where the call was seen: never compared.
 */
export const VARYING = ['id', 'started_at', 'latency_ms', 'ttfc_ms', 'upstream_request_id', 'response_id', 'source'];

/**
 * What the proxy reads from the wire and the AI SDK does not pass on to a middleware, so that
 * the middleware's row has it `null` (checked apart, not ignored):
 * - `upstream_provider`: the proxy matches it from the upstream's URL (here a local simulator:
 *   none, but for the Gemini upstream, named `@google`), the middleware takes it from the
 *   model's provider id (`openai.chat`: `openai`); `upstream`, the proxy's upstream by name, is
 *   the proxy's alone;
 * - `service_tier` of chat completions, and OpenAI's `audio_tokens` (0 here): the SDK's parsed
 *   response keeps neither;
 * - an embedding's `response_model`: the SDK keeps no response model for embeddings.
 */
export const NOT_PASSED_ON = ['upstream_provider', 'upstream', 'service_tier', 'input_audio_tokens', 'output_audio_tokens'];

/**
 * The fields of a row that the proxy and the middleware see differently, besides
 * {@link NOT_PASSED_ON} (each checked apart by the tests):
 * - an embedding's `response_model`: the SDK keeps no response model for embeddings;
 * - Gemini's response model: the proxy takes the response's `modelVersion`; the SDK passes on
 *   none. (The request model is the same: the proxy reads it from the path, the middleware from
 *   the model's id.)
 */
export function differing(row: CallRow): string[] {
  const fields = [...NOT_PASSED_ON];
  if (row.operation === 'embeddings') fields.push('response_model');
  if (row.provider === 'gemini') fields.push('response_model');
  return fields;
}

/** A row without the fields that may differ between two runs of the same exchange. */
export function comparable(row: CallRow, also: readonly string[] = []): CallRow {
  return Object.fromEntries(Object.entries(row).filter(([key]) => !VARYING.includes(key) && !also.includes(key)));
}

/** One exchange of a conversation: its scripted upstream answer, and what the bot does with a model factory. */
export interface Step<P> {
  name: string;
  script: SimScript;
  run(providers: P): PromiseLike<unknown>;
}

/** The proxy (an unwrapped AI SDK provider pointed at it) and the middleware (wrapped providers on the simulator), each with its own simulator and ledger. */
export interface AiSdkHarness {
  proxy: ProxyHarness;
  wrapper: WrapperHarness;
}

/** Starts both before the file's tests, closes them after, resets both simulators before each test. */
export function useAiSdkHarness(): AiSdkHarness {
  const h = {} as AiSdkHarness;
  beforeAll(async () => {
    [h.proxy, h.wrapper] = await Promise.all([
      // Gemini's paths go to the upstream whose provider is google.
      startProxyHarness((sim) => ({ upstream: [`openai=${sim.openaiBaseUrl}`, `gemini=${sim.geminiBaseUrl}@google`] })),
      startWrapperHarness(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([h.proxy.close(), h.wrapper.close()]);
  });
  beforeEach(() => {
    h.proxy.sim.reset();
    h.wrapper.sim.reset();
  });
  return h;
}

/** Runs the steps one by one, each once its row is in the ledger; returns the new rows. */
export async function converse<P>(options: { sim: SimulatedUpstream; rows: () => CallRow[]; steps: Array<Step<P>>; providers: P }): Promise<CallRow[]> {
  const { sim, rows, steps, providers } = options;
  const before = rows().length;
  for (const [i, step] of steps.entries()) {
    sim.enqueue(step.script);
    await step.run(providers);
    await eventually(() => rows().length === before + i + 1);
  }
  return rows().slice(before);
}
