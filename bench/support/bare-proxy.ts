/**
 * The floor for any Node proxy: `node:http` in, `undici` out, bodies streamed both ways, nothing
 * parsed, priced or recorded. Only hop-by-hop headers are dropped, as any proxy must.
 *
 * Run as a script with the upstream base URL (`/v1` included) as its argument, it prints
 * `READY <url>`; the proxy serves `/v1/...`.
 */
import { createServer, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Agent, request, type Dispatcher } from 'undici';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'expect']);

function forwardable(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>, keepLength: boolean): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || (HOP_BY_HOP.has(name) && !(keepLength && name === 'content-length'))) continue;
    out[name] = value;
  }
  return out;
}

/** Starts the bare proxy in front of `upstreamBase` (`http://host:port/v1`). */
export async function startBareProxy(upstreamBase: string, port = 0) {
  const origin = new URL(upstreamBase).origin;
  // The same pool settings as cpr-meter's.
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 256 });
  const server = createServer(async (req, res) => {
    try {
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const upstream = await request(origin + (req.url ?? '/'), {
        method: req.method as Dispatcher.HttpMethod,
        headers: forwardable(req.headers, false) as Record<string, string>,
        body: hasBody ? req : null,
        dispatcher,
      });
      res.writeHead(upstream.statusCode, forwardable(upstream.headers, true));
      for await (const chunk of upstream.body as AsyncIterable<Buffer>) {
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      }
      res.end();
    } catch {
      if (res.headersSent) res.destroy();
      else res.writeHead(502).end();
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dispatcher.close();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const upstream = process.argv[2];
  if (!upstream) throw new Error('usage: bare-proxy.ts <upstream base URL with /v1>');
  const proxy = await startBareProxy(upstream);
  process.stdout.write(`READY ${proxy.url}\n`);
}
