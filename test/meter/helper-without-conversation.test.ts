import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { createMeter, getConversation, type Meter } from '../../src/index.js';
import { silentLogger } from '../../src/logging/logger.js';
import { tempDir } from '../support/temp-dir.js';

const dir = tempDir();
const meter: Meter = createMeter({ db: dir.file('helpers.db'), logger: silentLogger, env: {} });
afterAll(async () => {
  await meter.close();
  dir.remove();
});

/** A real app whose `/resolve` route calls `meter.resolve()` and answers with what it threw. */
async function appWith(middleware: express.RequestHandler) {
  const app = express();
  app.use(middleware);
  app.get('/conversation', (_req, res) => {
    try {
      res.json(getConversation());
    } catch (error) {
      res.status(400).json({ name: (error as Error).name, message: (error as Error).message });
    }
  });
  app.post('/resolve', async (_req, res) => {
    try {
      await meter.resolve({ by: 'ai' });
      res.json({ ok: true });
    } catch (error) {
      res.status(400).json({ name: (error as Error).name, message: (error as Error).message });
    }
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/resolve`;
  return {
    post: (headers: Record<string, string> = {}) => fetch(url, { method: 'POST', headers }).then((r) => r.json() as Promise<unknown>),
    conversation: () => fetch(url.replace('/resolve', '/conversation')).then((r) => r.json() as Promise<unknown>),
    close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('a helper in a tracked request that names no conversation', () => {
  it('says which header the request lacks, not that it is untracked', async () => {
    const app = await appWith(meter.middleware());
    try {
      expect(await app.post()).toEqual({
        name: 'ValidationError',
        message: 'meter.resolve() was called in a request tracked by meter.middleware() that names no conversation (it has no x-cpr-conversation-id header). Pass a ticketId or conversationId, or make the request name its conversation.',
      });
      expect(await app.conversation()).toEqual({
        name: 'ContextError',
        message: "getConversation() was called in a request tracked by cpr-meter's middleware that names no conversation (it has no x-cpr-conversation-id header); use tryGetConversation() where a request may have none",
      });
      // With the header, the same route resolves the conversation's ticket.
      expect(await app.post({ 'x-cpr-conversation-id': 'helper-1' })).toEqual({ ok: true });
    } finally {
      await app.close();
    }
  });

  it("names the middleware's conversationId option when the request is read by one", async () => {
    const app = await appWith(meter.middleware({ conversationId: (req) => req.get('x-session') }));
    try {
      expect(((await app.post()) as { message: string }).message).toBe(
        'meter.resolve() was called in a request tracked by meter.middleware() that names no conversation (the middleware\'s conversationId option read none from it). Pass a ticketId or conversationId, or make the request name its conversation.',
      );
    } finally {
      await app.close();
    }
  });

  it('keeps saying what to pass outside any request', async () => {
    await expect(meter.handoff()).rejects.toThrow('meter.handoff() needs a ticketId or conversationId outside a request tracked by meter.middleware().');
  });
});
