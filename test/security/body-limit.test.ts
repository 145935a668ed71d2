import OpenAI from 'openai';
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';

/*
 * Request bodies have a size limit (`maxBodyBytes`, CPR_MAX_BODY_BYTES, default 32 MiB): a
 * recorded request over it is refused with a 413 in OpenAI's error shape before anything
 * reaches the upstream, whether its length is declared or it is sent chunked; /api/events
 * has the same limit.
 */

const LIMIT = 4096;

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness({ env: { CPR_MAX_BODY_BYTES: String(LIMIT) } });
});
afterAll(async () => h.close());
beforeEach(() => h.sim.reset());

/** A chat request whose JSON body is exactly `bytes` long. */
function bodyOf(bytes: number): string {
  const shell = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: '' }] });
  // Words, not one long run of a letter, which the simulator's tokenizer is slow on.
  const content = 'lorem ipsum '.repeat(bytes).slice(0, bytes - shell.length);
  return JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
}

const tooLarge = {
  error: { message: `Request body exceeds the limit of ${LIMIT} bytes (set CPR_MAX_BODY_BYTES to change it).`, type: 'invalid_request_error' },
};

describe('the request body limit', () => {
  it('is read from CPR_MAX_BODY_BYTES', () => {
    expect(h.cpr.config.maxBodyBytes).toBe(LIMIT);
  });

  it('lets a body of exactly the limit through', async () => {
    const res = await fetch(`${h.cpr.url}/v1/chat/completions`, { method: 'POST', body: bodyOf(LIMIT), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(Buffer.byteLength(h.sim.requests[0]!.body)).toBe(LIMIT);
  });

  it('refuses one byte more with a 413 in OpenAI shape; nothing reaches the upstream, no row is written', async () => {
    const rows = h.rows().length;
    const res = await fetch(`${h.cpr.url}/v1/chat/completions`, { method: 'POST', body: bodyOf(LIMIT + 1), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual(tooLarge);
    expect(h.sim.requests).toHaveLength(0);
    expect(h.rows()).toHaveLength(rows);
  });

  it('reaches the OpenAI SDK as an APIError with status 413', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${h.cpr.url}/v1`, maxRetries: 0 });
    const error = (await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(LIMIT) }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(413);
    expect(error.type).toBe('invalid_request_error');
  });

  it('refuses a chunked body (no declared length) once it passes the limit, and still answers the 413', async () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // 100 chunks of 1 KiB: the proxy must stop reading long before the end.
        if (sent++ === 100) controller.close();
        else controller.enqueue(new Uint8Array(1024).fill(0x78));
      },
    });
    const res = await fetch(`${h.cpr.url}/v1/chat/completions`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual(tooLarge);
    expect(h.sim.requests).toHaveLength(0);
  });

  it('answers a raw client whose declared length is over the limit without waiting for the body', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(h.cpr.port, '127.0.0.1');
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (text.includes('\r\n\r\n{') && text.trimEnd().endsWith('}}')) socket.destroy();
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      // Declares a gigabyte and sends none of it.
      socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('"type":"invalid_request_error"');
  });

  it('applies to POST /api/events too', async () => {
    const events = JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ type: 'ticket.opened', ticketId: `T-${i}`, category: 'billing' })));
    expect(events.length).toBeGreaterThan(LIMIT);
    const res = await fetch(`${h.cpr.url}/api/events`, { method: 'POST', body: events, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual(tooLarge);
  });
});
