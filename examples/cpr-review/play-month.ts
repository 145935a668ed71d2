/**
 * Plays the seeded support month of `npm run demo` through a cpr-meter proxy onto a ledger file.
 * The LLM calls go through the proxy, which records them; the helpdesk's side of the story
 * (tickets opened, handoffs, agent time, resolutions, fixed costs) is collected as events and
 * returned, as a helpdesk export would hand them to you.
 */
import OpenAI from 'openai';
import { createLogger, startServer } from 'cpr-meter';
// The demo's month is not a public entry of the package: taken from the build, like the simulator.
import { demoClock, runWorkload } from '../../dist/demo/run-workload.js';
import { demoTickets } from '../../dist/demo/workload.js';
import type { Upstream } from '../shared/upstream.js';

const DAY = 86_400_000;

/** What {@link playMonth} needs. */
export interface PlayMonthOptions {
  /** Ledger file the proxy records into. */
  db: string;
  upstream: Upstream;
  /** The month, `[from, to)`, ms since the epoch. */
  from: number;
  to: number;
  /** How many tickets the month has. */
  tickets: number;
}

/** What was played. */
export interface PlayedMonth {
  tickets: number;
  llmCalls: number;
  /** The helpdesk's events, in the shape `cpr-meter ingest` and `POST /api/events` take. */
  events: object[];
}

/** Plays the month: calls through a proxy started on `db`, events returned instead of posted. */
export async function playMonth({ db, upstream, from, to, tickets: count }: PlayMonthOptions): Promise<PlayedMonth> {
  // The proxy's clock is the month's: every call is dated when the story says it happened.
  const clock = demoClock(from);
  const cpr = await startServer({ port: 0, db, upstream: upstream.baseURL, env: {}, logger: createLogger({ level: 'warn' }), now: clock.now });
  try {
    const client = new OpenAI({ apiKey: upstream.apiKey, baseURL: `${cpr.url}/v1` });
    const events: object[] = [];
    // Tickets open until three days before the month ends, so that nearly all are settled by then.
    const tickets = demoTickets({ count, from, to: to - 3 * DAY });
    await runWorkload({ client, clock, postEvents: async (batch) => void events.push(...batch) }, { tickets, from, to });
    const llmCalls = cpr.ledger.db.prepare('SELECT count(*) FROM llm_calls').pluck().get() as number;
    return { tickets: tickets.length, llmCalls, events };
  } finally {
    await cpr.close();
  }
}
