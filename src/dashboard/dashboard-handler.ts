import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dashboard's own files: `assets/dashboard/` of the package (shipped, see `files` in package.json). */
const ASSETS_DIR = fileURLToPath(new URL('../../assets/dashboard/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Only the page's own files and the API: no CDN, nothing inline. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

interface Asset {
  body: Buffer;
  type: string;
}

/** Chart.js's UMD build, from the installed `chart.js` package (a runtime dependency). */
function chartJs(): Asset {
  const main = createRequire(import.meta.url).resolve('chart.js');
  return { body: readFileSync(join(dirname(main), 'chart.umd.min.js')), type: TYPES['.js']! };
}

/**
 * The dashboard's HTTP handler: `GET /` redirects to `/dashboard`, which answers the page, its
 * scripts and styles (read once, at start) and Chart.js. The files hold no data and need no
 * token; the page reads everything from the JSON APIs under `/api`, with the admin token when
 * one is set. Returns `false` for a URL that is not the dashboard's.
 *
 * @example
 * const dashboard = dashboardHandler();
 * createServer((req, res) => dashboard(req, res) || api(req, res));
 */
export function dashboardHandler(): (req: IncomingMessage, res: ServerResponse) => boolean {
  const assets = new Map<string, Asset>();
  // An installation without the files (a copy of dist/ alone) still proxies; the dashboard says what is missing.
  for (const name of existsSync(ASSETS_DIR) ? readdirSync(ASSETS_DIR) : []) {
    const type = TYPES[extname(name)];
    if (type !== undefined) assets.set(name, { body: readFileSync(join(ASSETS_DIR, name)), type });
  }
  let chart: Asset | undefined;
  return function serveDashboard(req, res) {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/') {
      res.writeHead(302, { location: '/dashboard' }).end();
      return true;
    }
    if (path !== '/dashboard' && !path.startsWith('/dashboard/')) return false;
    const name = path === '/dashboard' || path === '/dashboard/' ? 'index.html' : path.slice('/dashboard/'.length);
    const asset = name === 'vendor/chart.umd.min.js' ? (chart ??= chartJs()) : assets.get(name);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: `${req.method} is not allowed on the dashboard.`, type: 'invalid_request_error' } }));
      return true;
    }
    if (asset === undefined) {
      const message = assets.size === 0 ? `The dashboard's files are missing from this installation (expected in ${ASSETS_DIR}).` : `No dashboard file ${path}.`;
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message, type: 'not_found_error' } }));
      return true;
    }
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': asset.type, 'content-length': asset.body.length });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
    return true;
  };
}
