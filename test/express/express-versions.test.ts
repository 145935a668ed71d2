import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express5 from 'express';
import express4 from 'express4';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeter, type Meter } from '../../src/index.js';
import { silentLogger } from '../../src/logging/logger.js';
import { useSimulatedUpstream } from '../support/use-simulated-upstream.js';

// Express is a peer dependency ("^4.21.0 || ^5.0.0"): the middleware runs in the application's
// own Express, the oldest (express 4.21.2, installed as `express4`) and the newest (5.3.0).
// gpt-4o-mini: 0.15 input, 0.6 output (USD / 1M). 800 in + 100 out = 120 + 60 = 180 per million = $0.00018.
const upstream = useSimulatedUpstream();
const { dir } = upstream;

const versions = [
  { name: 'Express 4', express: express4 },
  { name: 'Express 5', express: express5 },
];

for (const { name, express } of versions) {
  describe(`meter.middleware() in ${name}`, () => {
    let server: Server;
    let base: string;
    let meter: Meter;
    beforeAll(async () => {
      meter = createMeter({ db: dir.file(`${name.replace(' ', '')}.db`), logger: silentLogger, env: {} });
      const openai = meter.wrapOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: upstream.sim.openaiBaseUrl, maxRetries: 0 }));
      const app = express();
      app.use(meter.middleware());
      app.use(express.json());
      app.post('/chat', async (req, res, next) => {
        try {
          const reply = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: req.body.message }] });
          if (req.body.handoff) await meter.handoff({ reason: 'asked for a human' });
          res.json({ answer: reply.choices[0]!.message.content });
        } catch (error) {
          next(error);
        }
      });
      server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await meter.close();
    });

    it("attributes the handler's calls and helpers to the request's conversation and ticket", async () => {
      const conversation = `${name.replace(' ', '')}-conv`;
      const ticket = `${name.replace(' ', '')}-T`;
      upstream.sim.enqueue({ text: 'A human will take over.', usage: { input: 800, output: 100 } });
      const answer = await fetch(`${base}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cpr-conversation-id': conversation, 'x-cpr-ticket-id': ticket },
        body: JSON.stringify({ message: 'I want a human', handoff: true }),
      });
      expect(await answer.json()).toEqual({ answer: 'A human will take over.' });
      const { totals } = await meter.report();
      const row = meter.ledger.db.prepare('SELECT conversation_id, ticket_id, input_tokens, output_tokens, cost_usd FROM llm_calls WHERE conversation_id = ?').get(conversation) as Record<string, unknown>;
      expect(row).toMatchObject({ conversation_id: conversation, ticket_id: ticket, input_tokens: 800, output_tokens: 100 });
      expect(row.cost_usd).toBeCloseTo(0.00018, 12);
      // The conversation was linked to its ticket, and the handoff made that ticket escalated.
      expect(totals).toMatchObject({ tickets: 1, aiHandled: 1, escalated: 1, contained: 0, conversations: 1, llmCalls: 1 });
      expect(totals.llmCostUsd).toBeCloseTo(0.00018, 12);
    });
  });
}
