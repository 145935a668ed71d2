import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness();
});
afterAll(async () => h.close());

describe('a ledger that cannot be written', () => {
  it('lets LLM calls succeed, reports degraded, counts the failures and writes the rows once it recovers', async () => {
    // Make the ledger read-only while requests flow (as root, file modes would not stop writes).
    h.cpr.ledger.db.pragma('query_only = ON');
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        h.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `q${i}` }] }, { headers: { 'x-cpr-conversation-id': `ro-${i}` } }),
      ),
    );
    expect(answers.every((a) => a.choices[0]!.message.content)).toBe(true);
    expect(h.rows()).toHaveLength(0);
    const stats = h.cpr.recorder.stats();
    expect(stats).toMatchObject({ failedWrites: 5, buffered: 5, dropped: 0 });
    expect(Object.keys(stats.failuresByKind)).toEqual(['SQLITE_READONLY']);
    const health = (await (await fetch(`${h.cpr.url}/healthz`)).json()) as any;
    expect(health).toMatchObject({ status: 'degraded', recorder: { buffered: 5 } });

    h.cpr.ledger.db.pragma('query_only = OFF');
    expect(await h.cpr.recorder.flush()).toBe(0);
    expect(h.rows().map((r) => r.conversation_id).sort()).toEqual(['ro-0', 'ro-1', 'ro-2', 'ro-3', 'ro-4']);
    expect(((await (await fetch(`${h.cpr.url}/healthz`)).json()) as any).status).toBe('ok');
  });
});
