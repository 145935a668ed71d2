import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as it reached the upstream: its exact bytes, nothing decoded. */
export interface RawRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** How the upstream answers one request; it may also never answer. */
export type Answer = (request: RawRequest, res: ServerResponse) => void;

/** An upstream whose every answer the test writes by hand, for bodies the simulator would never send. */
export interface ScriptedUpstream {
  /** `http://127.0.0.1:PORT/v1`. */
  url: string;
  requests: RawRequest[];
  /** Queues answers, first in first out; without one, a request gets `200 {}`. */
  enqueue(...answers: Answer[]): void;
  close(): Promise<void>;
}

/** Starts a scripted upstream on a free loopback port. */
export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  const queue: Answer[] = [];
  const requests: RawRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(request);
      const answer = queue.shift() ?? ((_r, out) => out.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
      answer(request, res);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...answers) => void queue.push(...answers),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An answer with this status, content type and body (bytes sent as given). */
export function answerWith(status: number, contentType: string, body: string | Buffer): Answer {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}
