import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.js';
import { startServer, type CprServer } from '../../src/server/start-server.js';
import { answerWith, startScriptedUpstream, type ScriptedUpstream } from '../support/scripted-upstream.js';
import { tempDir } from '../support/temp-dir.js';
import { isCount, expectValidCost, usageLike } from './arbitraries.js';
import { frame, sseEvent } from './sse-arbitraries.js';

// Runs per property; each is one call through the real proxy to an upstream that answers the generated body.
const RUNS = 150;

let upstream: ScriptedUpstream;
let cpr: CprServer;
const dir = tempDir();
beforeAll(async () => {
  upstream = await startScriptedUpstream();
  cpr = await startServer({ port: 0, db: dir.file('bodies.db'), upstream: upstream.url, anthropicUpstream: upstream.url.replace(/\/v1$/, ''),
    logger: silentLogger, env: {} });
});
afterAll(async () => {
  await cpr.close();
  await upstream.close();
  dir.remove();
});

const ROUTES = ['/chat/completions', '/completions', '/responses', '/embeddings', '/messages'] as const;

/** A body shaped like a provider's answer, with arbitrary values, or anything at all. */
const answerBody = fc.oneof(
  fc.record({ id: fc.anything(), model: fc.anything(), object: fc.constant('chat.completion'), choices: fc.anything(), usage: usageLike,
    stop_reason: fc.anything(), error: fc.anything() }, { requiredKeys: [] }).map((b) => JSON.stringify(b)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 60, unit: 'binary' }),
);

/** The row a call left, checked against the ledger's invariants. */
function expectValidRow(callId: string | null): void {
  expect(callId).toBeTruthy();
  const row = cpr.ledger.db.prepare('SELECT * FROM llm_calls WHERE id = ?').get(callId) as Record<string, unknown> | undefined;
  expect(row).toBeDefined();
  expectValidCost(row!.cost_usd as number | null);
  for (const column of ['input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens']) {
    expect(row![column] === null || isCount(row![column]), `${column} = ${String(row![column])}`).toBe(true);
  }
}

describe('the proxy, given arbitrary upstream answers', () => {
  it('relays any non-streamed body with its status unchanged, and records a valid row: never a 500 of its own', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), fc.constantFrom(200, 400, 404, 429, 500, 503), answerBody,
        async (route, status, body) => {
          upstream.enqueue(answerWith(status, 'application/json', body));
          const res = await fetch(`${cpr.url}/v1${route}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: 'Bearer sk-property' },
            body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], input: 'hi', max_tokens: 5 }),
          });
          expect(res.status).toBe(status);
          expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from(body, 'utf8'));
          expectValidRow(res.headers.get('x-cpr-call-id'));
        }),
      { numRuns: RUNS },
    );
  });

  it('relays any event stream byte for byte, and records a valid row', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/chat/completions', '/responses', '/messages'), fc.array(sseEvent, { maxLength: 12 }),
        async (route, events) => {
          const stream = frame(events, []);
          upstream.enqueue(answerWith(200, 'text/event-stream', stream));
          const res = await fetch(`${cpr.url}/v1${route}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: 'Bearer sk-property' },
            // With usage asked for by the client, the proxy changes nothing in the stream.
            body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [] }),
          });
          expect(res.status).toBe(200);
          expect(Buffer.from(await res.arrayBuffer())).toEqual(stream);
          expectValidRow(res.headers.get('x-cpr-call-id'));
        }),
      { numRuns: RUNS },
    );
  });

  it('cuts the usage it asked for itself out of any chat event stream, without failing the call', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(sseEvent, { maxLength: 12 }), async (events) => {
        upstream.enqueue(answerWith(200, 'text/event-stream', frame(events, [])));
        const res = await fetch(`${cpr.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer sk-property' },
          body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [] }),
        });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
        expectValidRow(res.headers.get('x-cpr-call-id'));
      }),
      { numRuns: RUNS },
    );
  });
});
