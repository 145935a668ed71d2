import { AzureOpenAI } from 'openai';
import { describe, expect, it } from 'vitest';
import { wrapOpenAI } from '../../src/wrapper/index.js';
import { eventually } from '../support/proxy-harness.js';
import { useWrapperHarness } from './wrapper-harness.js';

// The openai package's AzureOpenAI client, wrapped in process: the classic deployments path is
// recorded by the end of its path, the model Azure names in its answer is priced (the deployment
// is not a model), at Azure's prices when the upstream provider says so (the simulator's address
// does not: `upstreamProvider: 'azure'`, as `@azure` does for the proxy).
//
// gpt-4o-2024-11-20 at Azure: input 2.5, cached input 1.25, output 10 USD / 1M. Usage 1,000 input
// of which 400 cached, 200 output: 600 x 2.5 + 400 x 1.25 + 200 x 10 = 4000 per million = $0.004.
const USAGE = { input: 1000, cacheRead: 400, output: 200 };
const MODEL = 'gpt-4o-2024-11-20';

const h = useWrapperHarness();
const hello = [{ role: 'user' as const, content: 'Where is my parcel?' }];

describe('a wrapped AzureOpenAI client', () => {
  it('records the deployments path, streamed or not, priced as Azure prices the model it names', async () => {
    const azure = wrapOpenAI(new AzureOpenAI({ endpoint: h.sim.azureEndpoint, apiKey: 'azure-key', apiVersion: '2024-10-21', maxRetries: 0 }), {
      recorder: h.recorder, prices: h.prices, upstreamProvider: 'azure', conversationId: 'az-wrapped',
    });
    h.sim.enqueue({ text: 'It ships today.', usage: USAGE, model: MODEL }, { text: 'It ships today.', usage: USAGE, model: MODEL });
    expect((await azure.chat.completions.create({ model: 'support-bot', messages: hello })).choices[0]!.message.content).toBe('It ships today.');
    let text = '';
    for await (const chunk of await azure.chat.completions.create({ model: 'support-bot', messages: hello, stream: true })) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('It ships today.');
    expect(h.sim.requests.map((r) => r.path)).toEqual(Array(2).fill('/openai/deployments/support-bot/chat/completions?api-version=2024-10-21'));
    const rows = await eventually(() => {
      const found = h.rows().filter((r) => r.conversation_id === 'az-wrapped');
      return found.length === 2 ? found : undefined;
    });
    for (const [i, row] of rows.entries()) {
      expect(row).toMatchObject({
        source: 'wrapper', upstream_provider: 'azure', operation: 'chat', request_model: 'support-bot', response_model: MODEL, streamed: i,
        input_tokens: 1000, cache_read_tokens: 400, output_tokens: 200, status: 'ok', estimated: 0, price_input: 2.5, price_cached_input: 1.25, price_output: 10,
      });
      expect(row.cost_usd).toBeCloseTo(0.004, 12);
    }
  });
});
