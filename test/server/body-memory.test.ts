import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';

/** A raw HTTP/1.1 upload: headers and the first `sentBytes` of a `declaredBytes` body, then nothing. Collects what comes back. */
function stalledUpload(url: string, { path, declaredBytes, sentBytes }: { path: string; declaredBytes: number; sentBytes: number }) {
  const { port } = new URL(url);
  const socket: Socket = connect(Number(port), '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write(`POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${declaredBytes}\r\n\r\n`);
  // A JSON string that never ends: the upload is cut before it could be parsed.
  const start = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"';
  socket.write(start + 'x'.repeat(sentBytes - start.length));
  return { answer: () => answer, closed, socket };
}

describe('request bodies held in memory', () => {
  let h: ProxyHarness;
  beforeAll(async () => {
    // A cap of 1,000,000 bytes over all bodies, and uploads cut after 400 ms without a byte.
    h = await startProxyHarness({ maxBodyMemoryBytes: 1_000_000, bodyTimeoutMs: 400 });
  });
  afterAll(() => h.close());

  it('are capped across requests (503 in OpenAI\'s shape), stalled uploads are cut (408), and the bytes held go back to 0', async () => {
    // 600,000 bytes of a 700,000-byte body arrive, then nothing.
    const first = stalledUpload(h.cpr.url, { path: '/v1/chat/completions', declaredBytes: 700_000, sentBytes: 600_000 });
    await eventually(() => h.cpr.bodyMemory.held === 600_000, 3000);
    // A second upload of 500,000 would make 1,100,000 > 1,000,000: refused at once, not held.
    const second = stalledUpload(h.cpr.url, { path: '/v1/chat/completions', declaredBytes: 500_000, sentBytes: 500_000 });
    await eventually(() => second.answer().includes('\r\n\r\n{'), 3000);
    expect(second.answer()).toMatch(/^HTTP\/1\.1 503 /);
    const body = JSON.parse(second.answer().split('\r\n\r\n')[1]!) as { error: { type: string; code: string; message: string } };
    expect(body.error).toMatchObject({ type: 'server_error', code: 'body_memory_full' });
    expect(body.error.message).toContain('--max-body-memory-bytes');
    expect(h.cpr.bodyMemory.held).toBe(600_000);
    second.socket.destroy();

    // The first one sends nothing more: after 400 ms it is answered 408 and its connection closed.
    await first.closed;
    expect(first.answer()).toMatch(/^HTTP\/1\.1 408 /);
    expect(first.answer()).toContain('request_body_timeout');
    expect(h.cpr.bodyMemory.held).toBe(0);

    // Before: both were held (1.1 MB), the stalled one for Node's 300 s request timeout.
    // Now the proxy goes on as usual, and no call was recorded for the refused uploads.
    const answer = await h.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]!.message.content).toBeTruthy();
    expect(h.rows()).toHaveLength(1);
    expect(h.cpr.bodyMemory.held).toBe(0);
  });

  it('applies to POST /api/events too', async () => {
    const upload = stalledUpload(h.cpr.url, { path: '/api/events', declaredBytes: 300_000, sentBytes: 200_000 });
    await eventually(() => h.cpr.bodyMemory.held === 200_000, 3000);
    await upload.closed;
    expect(upload.answer()).toMatch(/^HTTP\/1\.1 408 /);
    expect(h.cpr.bodyMemory.held).toBe(0);
  });
});
