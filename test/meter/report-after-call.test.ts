import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { createMeter } from '../../src/index.js';
import { silentLogger } from '../../src/logging/logger.js';
import { useSimulatedUpstream } from '../support/use-simulated-upstream.js';

const upstream = useSimulatedUpstream();
const { dir } = upstream;

const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
let opened = 0;

// The README promises that `meter.report()` includes the calls made before it. A wrapped call's
// row is handed to the recorder on the turn after its answer was handed back; a report asked for
// at once must still see it.
describe('meter.report() right after an awaited wrapped call', () => {
  for (const commitDelayMs of [100, 0]) {
    it(`includes that call, streamed or not (commitDelayMs ${commitDelayMs})`, async () => {
      const meter = createMeter({ db: dir.file(`report-now-${(opened += 1)}.db`), logger: silentLogger, env: {}, commitDelayMs });
      const client = meter.wrapOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: upstream.sim.openaiBaseUrl, maxRetries: 0 }));
      try {
        upstream.sim.enqueue({ usage: { input: 40, output: 4 } });
        await client.chat.completions.create(ask, { headers: { 'x-cpr-conversation-id': 'now-1' } });
        expect((await meter.report()).totals).toMatchObject({ llmCalls: 1, inputTokens: 40, outputTokens: 4, conversations: 1 });

        upstream.sim.enqueue({ usage: { input: 50, output: 5 } });
        const stream = await client.chat.completions.create({ ...ask, stream: true }, { headers: { 'x-cpr-conversation-id': 'now-2' } });
        for await (const chunk of stream) void chunk;
        // 40 + 50 = 90 input tokens, 4 + 5 = 9 output tokens, over two conversations.
        expect((await meter.report()).totals).toMatchObject({ llmCalls: 2, inputTokens: 90, outputTokens: 9, conversations: 2 });

        upstream.sim.enqueue({ usage: { input: 60, output: 6 } });
        await client.chat.completions.create(ask, { headers: { 'x-cpr-conversation-id': 'now-3' } }).withResponse();
        // 90 + 60 = 150 in, 9 + 6 = 15 out.
        expect((await meter.report()).totals).toMatchObject({ llmCalls: 3, inputTokens: 150, outputTokens: 15, conversations: 3 });
      } finally {
        await meter.close();
      }
    });
  }
});
