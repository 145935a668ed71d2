import type { ServerResponse } from 'node:http';
import { toErrorBody } from '../errors.js';

/**
 * Answers with cpr-meter's JSON error shape (`{"error": {"message", "type", ...}}`, as OpenAI
 * clients expect). When the response has already started, the connection is cut instead, which
 * is the only way left to tell the client the body is incomplete.
 */
export function sendError(res: ServerResponse, error: unknown, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { status, body } = toErrorBody(error);
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...extraHeaders });
  res.end(payload);
}
