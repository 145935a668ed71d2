import OpenAI from 'openai';
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ATTRIBUTION_HEADERS, MAX_ID_LENGTH } from '../../src/proxy/attribution.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';

/*
 * Header values used as ids (`x-cpr-conversation-id`, `-ticket-id`, `-customer-id`, `-channel`,
 * `-category`, and the `/c/{id}/v1` path) are stored and shown in reports: at most 256
 * characters, no control characters (C0, DEL, C1). A bad one is refused with a 400 in OpenAI's
 * shape that names the header, before anything goes upstream or into the ledger.
 */

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness();
});
afterAll(async () => h.close());
beforeEach(() => h.sim.reset());

const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello' }] };
const HEADERS = Object.values(ATTRIBUTION_HEADERS);

/** Sends a request with one header given as raw bytes (latin-1 and control bytes included); resolves with the raw answer. */
function rawRequest(port: number, name: string, value: Buffer): Promise<string> {
  const body = JSON.stringify(ask);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (/\r\n\r\n[\s\S]*\}\s*$/.test(answer) || answer.includes('Connection: close\r\n\r\n')) socket.end();
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.write(Buffer.concat([
      Buffer.from(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n${name}: `),
      value,
      Buffer.from(`\r\n\r\n${body}`),
    ]));
  });
}

describe('ids from headers', () => {
  it(`accepts ${MAX_ID_LENGTH} characters in every id header`, async () => {
    const id = 'i'.repeat(MAX_ID_LENGTH);
    await h.client.chat.completions.create(ask, { headers: Object.fromEntries(HEADERS.map((name) => [name, id])) });
    expect(h.rows().at(-1)).toMatchObject({ conversation_id: id, ticket_id: id });
  });

  it.each(HEADERS)('refuses %s over the length limit with a 400 naming it; nothing goes upstream or into the ledger', async (name) => {
    const rows = h.rows().length;
    const error = (await h.client.chat.completions.create(ask, { headers: { [name]: 'i'.repeat(MAX_ID_LENGTH + 1) } })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.error).toEqual({ message: `${name} is longer than ${MAX_ID_LENGTH} characters.`, type: 'invalid_request_error',
      param: name, field: name, index: null });
    expect(h.sim.requests).toHaveLength(0);
    expect(h.rows()).toHaveLength(rows);
  });

  it.each(HEADERS)('refuses %s with a tab in it (a control character HTTP allows in a header)', async (name) => {
    const res = await fetch(`${h.cpr.url}/v1/chat/completions`, { method: 'POST', headers: { [name]: 'T-1\tT-2' }, body: JSON.stringify(ask) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { message: `${name} contains control characters.`, param: name } });
    expect(h.sim.requests).toHaveLength(0);
  });

  it('refuses a C1 control byte (0x9b, a terminal escape) sent as latin-1, naming the header', async () => {
    const answer = await rawRequest(h.cpr.port, 'x-cpr-ticket-id', Buffer.from([0x54, 0x2d, 0x9b, 0x33, 0x31, 0x6d]));
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"param":"x-cpr-ticket-id"');
    expect(h.sim.requests).toHaveLength(0);
  });

  it('refuses ESC and DEL bytes too (Node refuses them before cpr-meter sees the request)', async () => {
    for (const byte of [0x1b, 0x7f, 0x00]) {
      const answer = await rawRequest(h.cpr.port, 'x-cpr-category', Buffer.from([0x61, byte, 0x62]));
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    }
    expect(h.sim.requests).toHaveLength(0);
  });

  it('refuses a conversation id in the /c/{id}/v1 path that is too long or holds a control character', async () => {
    for (const id of ['c'.repeat(MAX_ID_LENGTH + 1), 'a%0Ab', 'a%C2%9Bb']) {
      const res = await fetch(`${h.cpr.url}/c/${id}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(ask) });
      expect(res.status, id).toBe(400);
      expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'conversation id in the path' } });
    }
    expect(h.sim.requests).toHaveLength(0);
  });
});
