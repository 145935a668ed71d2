/**
 * An instant fake OpenAI upstream for benchmarks: a fixed ~1 KB chat completion with usage, or a
 * 100-chunk chat stream with `include_usage` semantics; and a fixed Anthropic message (`POST
 * /v1/messages`, non-streamed), for the in-process benchmark's Anthropic client. Bodies are built once; a request costs
 * one read of its body and one or a few writes. (The simulator in `src/simulator` tokenizes every
 * prompt and reply, which would dominate what the benchmarks measure.)
 *
 * Run as a script it listens on a free port and prints `READY <baseUrl>` (the `/v1` base).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

/** The model the fake answers with (bundled prices know it). */
export const RESPONSE_MODEL = 'gpt-4o-mini-2024-07-18';

/** Content chunks of a stream; with the role chunk and the finish chunk, 100 chunks in all. */
export const STREAM_CONTENT_CHUNKS = 98;

/** Header asking a stream to be paced: microseconds between two chunks (0 or absent: all at once). */
export const PACE_HEADER = 'x-bench-chunk-interval-us';

/** Header naming a stream, passed to `onChunkSent` (so that send and arrival times can be paired). */
export const STREAM_ID_HEADER = 'x-bench-stream-id';

const ID = 'chatcmpl-BENCH0000000000000000000000';
const CREATED = 1_750_000_000;
const FINGERPRINT = 'fp_bench0001';
const USAGE = {
  prompt_tokens: 182,
  completion_tokens: 131,
  total_tokens: 313,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};
const REPLY =
  'Thanks for reaching out. I checked your order and it shipped yesterday from our warehouse; the tracking ' +
  'number is in the confirmation email we sent you. Deliveries to your area usually take two to three ' +
  'business days. If the parcel has not arrived by Friday, reply to this message and I will open a claim ' +
  'with the carrier and send a replacement at no cost. Is there anything else I can help you with today?';

/** The non-streamed answer, about 1 KB. */
export const COMPLETION_BODY = Buffer.from(
  JSON.stringify({
    id: ID,
    object: 'chat.completion',
    created: CREATED,
    model: RESPONSE_MODEL,
    choices: [{ index: 0, message: { role: 'assistant', content: REPLY, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
    usage: USAGE,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
  }),
);

/** The 100 chunks of a stream (plus the usage chunk when asked, then `[DONE]`), one SSE event each. */
function streamEvents(includeUsage: boolean): Buffer[] {
  const words = REPLY.split(' ');
  const pieces = Array.from({ length: STREAM_CONTENT_CHUNKS }, (_, i) => (i === 0 ? '' : ' ') + (words[i % words.length] ?? ''));
  const chunk = (choices: unknown[], usage: unknown = null) =>
    Buffer.from(`data: ${JSON.stringify({
      id: ID, object: 'chat.completion.chunk', created: CREATED, model: RESPONSE_MODEL, service_tier: 'default',
      system_fingerprint: FINGERPRINT, choices, ...(includeUsage ? { usage } : {}),
    })}\n\n`);
  const choice = (delta: unknown, finish: string | null = null) => ({ index: 0, delta, logprobs: null, finish_reason: finish });
  return [
    chunk([choice({ role: 'assistant', content: '', refusal: null })]),
    ...pieces.map((content) => chunk([choice({ content })])),
    chunk([choice({}, 'stop')]),
    ...(includeUsage ? [chunk([], USAGE)] : []),
    Buffer.from('data: [DONE]\n\n'),
  ];
}

const STREAM_WITH_USAGE = streamEvents(true);
const STREAM_WITHOUT_USAGE = streamEvents(false);

/** The SSE events the fake sends for a stream, as one buffer each. */
export function fakeStreamEvents(includeUsage: boolean): readonly Buffer[] {
  return includeUsage ? STREAM_WITH_USAGE : STREAM_WITHOUT_USAGE;
}

/** Options of {@link startFakeUpstream}. */
export interface FakeUpstreamOptions {
  /** Port to listen on. Default 0 (a free port). */
  port?: number;
  /** Called with the stream's id (its `x-bench-stream-id`), the event's index and `process.hrtime.bigint()` just before each event of a paced stream is written. */
  onChunkSent?: (streamId: string, index: number, at: bigint) => void;
}

/** A running fake upstream. */
export interface FakeUpstream {
  /** OpenAI base URL, `/v1` included. */
  baseUrl: string;
  server: Server;
  close(): Promise<void>;
}

/** The non-streamed answer to `POST /v1/messages` (Anthropic), with the same reply and token counts. */
export const MESSAGE_BODY = Buffer.from(
  JSON.stringify({
    id: 'msg_BENCH00000000000000000000',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-20250514',
    content: [{ type: 'text', text: REPLY }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: USAGE.prompt_tokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: USAGE.completion_tokens, service_tier: 'standard' },
  }),
);

const JSON_HEADERS = { 'content-type': 'application/json', 'content-length': COMPLETION_BODY.length, 'x-request-id': 'req_bench' };
const MESSAGE_HEADERS = { 'content-type': 'application/json', 'content-length': MESSAGE_BODY.length, 'request-id': 'req_bench' };
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': 'req_bench' };

function answer(req: IncomingMessage, res: ServerResponse, body: string, options: FakeUpstreamOptions): void {
  if (req.method === 'POST' && req.url?.split('?')[0]?.endsWith('/v1/messages')) {
    res.writeHead(200, MESSAGE_HEADERS).end(MESSAGE_BODY);
    return;
  }
  if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found","type":"invalid_request_error"}}');
    return;
  }
  // A substring test is enough for the benchmark's own request bodies, and costs next to nothing.
  if (!body.includes('"stream":true')) {
    res.writeHead(200, JSON_HEADERS).end(COMPLETION_BODY);
    return;
  }
  const events = fakeStreamEvents(body.includes('"include_usage":true'));
  res.writeHead(200, SSE_HEADERS);
  const paceUs = Number(req.headers[PACE_HEADER] ?? 0);
  if (!(paceUs > 0)) {
    for (const event of events) res.write(event);
    res.end();
    return;
  }
  let index = 0;
  const streamId = String(req.headers[STREAM_ID_HEADER] ?? '');
  const next = () => {
    if (res.destroyed) return;
    options.onChunkSent?.(streamId, index, process.hrtime.bigint());
    res.write(events[index]);
    index += 1;
    if (index === events.length) res.end();
    else setTimeout(next, paceUs / 1000);
  };
  next();
}

/** Starts the fake upstream on loopback. */
export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => answer(req, res, body, options));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const upstream = await startFakeUpstream();
  process.stdout.write(`READY ${upstream.baseUrl}\n`);
}
