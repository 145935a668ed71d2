import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.js';
import { startServer, type CprServer } from '../../src/server/start-server.js';
import { answerWith, startScriptedUpstream, type ScriptedUpstream } from '../support/scripted-upstream.js';
import { tempDir } from '../support/temp-dir.js';

/*
 * A request body the proxy cannot parse is not the proxy's to judge: it goes upstream byte for
 * byte (invalid UTF-8 included), and the upstream's answer, status and body, is the client's
 * answer. The call is still recorded, with what is known (no model).
 */

let upstream: ScriptedUpstream;
let cpr: CprServer;
const dir = tempDir();
beforeAll(async () => {
  upstream = await startScriptedUpstream();
  cpr = await startServer({ port: 0, db: dir.file('malformed.db'), upstream: upstream.url, anthropicUpstream: upstream.url.replace(/\/v1$/, ''),
    logger: silentLogger, env: {} });
});
afterAll(async () => {
  await cpr.close();
  await upstream.close();
  dir.remove();
});
beforeEach(() => void upstream.requests.splice(0));

const UPSTREAM_ANSWER = '{"error":{"message":"We could not parse the JSON body of your request.","type":"invalid_request_error","param":null,"code":null}}';

const BODIES: Array<[string, Buffer]> = [
  ['truncated JSON', Buffer.from('{"model": "gpt-4o-mini", "stream": true, ')],
  ['a streamed request cut short (no usage may be spliced in)', Buffer.from('{"stream":true,"model":"gpt-4o-mini","messages":[')],
  ['a JSON array', Buffer.from('[{"model":"gpt-4o-mini"}]')],
  ['JSON null', Buffer.from('null')],
  ['a JSON string', Buffer.from('"stream"')],
  ['a byte order mark before the JSON', Buffer.from('\uFEFF{"model":"gpt-4o-mini","stream":true}')],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x6d, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d])],
  ['an empty body', Buffer.alloc(0)],
  ['form data', Buffer.from('model=gpt-4o-mini&stream=true')],
];

describe('malformed JSON to the proxy', () => {
  it.each(BODIES)('passes %s upstream untouched, and the upstream answer back unchanged', async (_name, body) => {
    upstream.enqueue(answerWith(400, 'application/json', UPSTREAM_ANSWER));
    const res = await fetch(`${cpr.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]!.body).toEqual(body);
    expect(res.status).toBe(400);
    expect(await res.text()).toBe(UPSTREAM_ANSWER);
    const row = cpr.ledger.db.prepare('SELECT * FROM llm_calls WHERE id = ?').get(res.headers.get('x-cpr-call-id'));
    expect(row).toMatchObject({ status: 'error', http_status: 400, request_model: null, error_type: 'invalid_request_error', cost_usd: 0 });
  });

  it('passes it untouched on every recorded route and to Anthropic, whatever the upstream answers', async () => {
    const body = Buffer.from('{"model": ');
    for (const [path, status] of [['/v1/responses', 422], ['/v1/embeddings', 400], ['/v1/completions', 500], ['/v1/messages', 400]] as const) {
      upstream.enqueue(answerWith(status, 'text/plain', 'nope'));
      const res = await fetch(`${cpr.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(status);
      expect(await res.text()).toBe('nope');
      expect(upstream.requests.at(-1)!.body).toEqual(body);
      expect(upstream.requests.at(-1)!.path).toBe(path);
    }
  });

  it('relays the upstream success too, when an upstream accepts what the proxy could not parse', async () => {
    upstream.enqueue(answerWith(200, 'application/json', '{"id":"x","model":"lenient-model","usage":{"prompt_tokens":3,"completion_tokens":1}}'));
    const res = await fetch(`${cpr.url}/v1/chat/completions`, { method: 'POST', body: "{model: 'lenient-model'}" });
    expect(res.status).toBe(200);
    const row = cpr.ledger.db.prepare('SELECT * FROM llm_calls WHERE id = ?').get(res.headers.get('x-cpr-call-id'));
    expect(row).toMatchObject({ status: 'ok', request_model: null, response_model: 'lenient-model', input_tokens: 3, output_tokens: 1 });
  });
});
