import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/proxy-harness.js';
import { useWrapperHarness } from './wrapper-harness.js';

const h = useWrapperHarness();

const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
const script = { text: 'Shipped yesterday.', usage: { input: 9, output: 3 } };
const as = (id: string) => ({ headers: { 'x-cpr-conversation-id': id } });
const rowOf = (id: string) => eventually(() => h.rows().find((r) => r.conversation_id === id));
// ids and timestamps differ per request; the rest of the body must match byte for byte.
const normalise = (text: string) => text.replace(/"id":"[^"]+"/g, '"id":"X"').replace(/"created":\d+/g, '"created":0');

/** The body an unwrapped client gets for the same script. */
async function plainText(): Promise<string> {
  const plain = new OpenAI({ apiKey: 'sk-x', baseURL: h.sim.openaiBaseUrl, maxRetries: 0 });
  h.sim.enqueue(script);
  return normalise(await (await plain.chat.completions.create(ask).asResponse()).text());
}

// The wrapper reads a non-streamed body once for both the recording and the caller: the
// caller's Response must behave as fetch's own does, whichever way it is read.
describe("a non-streamed answer's body, read once for the caller and the recording", () => {
  it('gives text() the same bytes, marks the body used, and refuses a second read as fetch does', async () => {
    const direct = await plainText();
    h.sim.enqueue(script);
    const response = await h.client.chat.completions.create(ask, as('b-text')).asResponse();
    expect(response).toBeInstanceOf(Response);
    expect(response.bodyUsed).toBe(false);
    expect(normalise(await response.text())).toBe(direct);
    expect(response.bodyUsed).toBe(true);
    await expect(response.json()).rejects.toBeInstanceOf(TypeError);
    await expect(response.text()).rejects.toBeInstanceOf(TypeError);
    expect(() => response.clone()).toThrow(TypeError);
    expect(await rowOf('b-text')).toMatchObject({ status: 'ok', input_tokens: 9, output_tokens: 3, streamed: 0 });
  });

  it('gives the same body to a clone and to the original, each read once', async () => {
    h.sim.enqueue(script);
    const response = await h.client.chat.completions.create(ask, as('b-clone')).asResponse();
    const clone = response.clone();
    expect(clone.status).toBe(200);
    expect(clone.url).toBe(response.url);
    expect(clone.headers.get('x-request-id')).toBe(response.headers.get('x-request-id'));
    const [fromClone, fromOriginal] = await Promise.all([clone.json(), response.json()]);
    expect(fromClone).toEqual(fromOriginal);
    expect((fromOriginal as OpenAI.ChatCompletion).choices[0]!.message.content).toBe('Shipped yesterday.');
    await rowOf('b-clone');
    expect(h.rows().filter((r) => r.conversation_id === 'b-clone')).toHaveLength(1);
  });

  it('streams the same bytes through response.body, and through arrayBuffer() and blob()', async () => {
    const direct = await plainText();
    h.sim.enqueue(script, script, script);
    const viaStream = await h.client.chat.completions.create(ask, as('b-stream')).asResponse();
    expect(viaStream.body).toBe(viaStream.body);
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of viaStream.body!) text += decoder.decode(chunk, { stream: true });
    expect(normalise(text)).toBe(direct);
    expect(viaStream.bodyUsed).toBe(true);
    const viaBuffer = await h.client.chat.completions.create(ask, as('b-buffer')).asResponse();
    expect(normalise(decoder.decode(await viaBuffer.arrayBuffer()))).toBe(direct);
    const viaBlob = await h.client.chat.completions.create(ask, as('b-blob')).asResponse();
    expect(normalise(await (await viaBlob.blob()).text())).toBe(direct);
    for (const id of ['b-stream', 'b-buffer', 'b-blob']) expect(await rowOf(id)).toMatchObject({ status: 'ok', input_tokens: 9 });
  });

  it('records a call whose caller never reads the body', async () => {
    h.sim.enqueue(script);
    const response = await h.client.chat.completions.create(ask, as('b-unread')).asResponse();
    expect(response.status).toBe(200);
    expect(await rowOf('b-unread')).toMatchObject({ status: 'ok', input_tokens: 9, output_tokens: 3 });
    expect(response.bodyUsed).toBe(false);
  });
});
