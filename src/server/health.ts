import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallRecorder } from '../ledger/call-recorder.js';
import type { CallLedger } from '../ledger/ledger.js';
import type { LedgerFileStatus } from '../ledger/sqlite/sqlite-ledger.js';
import type { UpstreamHealth } from '../proxy/upstream-health.js';

/**
 * `GET /healthz`: 200 `{"status":"ok"}` when the ledger answers and nothing waits for retry;
 * 200 `degraded` when it answers but rows wait in the retry buffer; 503 `degraded` when it does
 * not answer, or when its file was deleted (`"ledger": "file_missing"`) or replaced
 * (`"file_replaced"`) under the running server (LLM calls still go through: the proxy fails open).
 * `upstreams` gives each upstream's state as the proxied calls found it; an unreachable one makes
 * the status `degraded` but keeps the 200: the proxy itself is sound, and restarting it (what a
 * 503 tells an orchestrator) would not bring the upstream back. The same holds for a PostgreSQL
 * ledger that does not answer (`"ledger": "unreachable"`): `degraded` with a 200, since every
 * replica of the fleet shares that server, a 503 would take them all out of rotation (or restart
 * them) while they still serve LLM calls, and none of that brings PostgreSQL back; their rows
 * wait in the retry buffer and are written once it answers.
 */
export function healthHandler({ ledger, recorder, upstreams }: {
  ledger: CallLedger & { fileStatus?: () => LedgerFileStatus; kind?: string };
  recorder: CallRecorder;
  upstreams?: UpstreamHealth;
}) {
  return async function health(_req: IncomingMessage, res: ServerResponse): Promise<void> {
    let ledgerState = 'ok';
    let ledgerError: string | undefined;
    try {
      await ledger.ping();
      const file = ledger.fileStatus?.() ?? 'ok';
      if (file !== 'ok') ledgerState = `file_${file}`;
    } catch (error) {
      ledgerState = 'unreachable';
      ledgerError = (error as Error).message;
    }
    const stats = recorder.stats();
    const upstreamsDown = upstreams?.anyUnreachable() === true;
    const status = ledgerState === 'ok' && recorder.health() === 'ok' && !upstreamsDown ? 'ok' : 'degraded';
    const body = JSON.stringify({ status, ledger: ledgerState, ledgerError, recorder: stats, upstreams: upstreams?.snapshot() });
    const failOpen = ledgerState === 'unreachable' && ledger.kind === 'postgres';
    res.writeHead(ledgerState === 'ok' || failOpen ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(body);
  };
}
