import { seededRandom } from './seeded-random.js';

/**
 * The demo's support month: a seeded, reproducible mix of tickets that a support lead would
 * recognise, as plain data. `run-workload.ts` plays it through the proxy and the event API.
 */

/** How a ticket's story goes. */
export type Journey =
  | 'contained' // the bot resolves it
  | 'escalated' // the bot tries, hands off, a human resolves it
  | 'human-only' // never touches the bot (email, phone)
  | 'follow-up' // the bot resolves it, the customer comes back in a new conversation
  | 'reopened' // resolved by the bot, explicitly reopened, then resolved by a human
  | 'abandoned'; // the bot tries, the customer gives up: spend, no resolution

/** One ticket of the demo. */
export interface DemoTicket {
  ticketId: string;
  category: string;
  channel: string;
  customerId: string;
  journey: Journey;
  /** When the ticket opens, ms since the epoch. */
  openedAt: number;
  /** Customer questions, one LLM turn each, for the first conversation. */
  turns: string[];
  /** Seconds of human work, for journeys that involve a human. */
  humanSeconds: number;
  /** Use a larger model (some teams route hard tickets to it). */
  model: string;
}

const QUESTIONS: Record<string, string[]> = {
  billing: ['I was charged twice for my subscription this month.', 'Can I get a refund for the duplicate charge?', 'When will the refund reach my card?', 'Can you send me an invoice with my VAT number?'],
  shipping: ['Where is my parcel? It was due on Monday.', 'The tracking number does not work.', 'Can I change the delivery address?', 'The box arrived damaged.'],
  account: ['I cannot log in, the reset email never arrives.', 'How do I enable two-factor authentication?', 'Please delete my account and my data.', 'How do I change the email on my account?'],
  technical: ['The app crashes when I open the settings page.', 'Sync between my phone and laptop stopped working.', 'I get error 503 when exporting a report.', 'The API returns 401 although my key is valid.'],
};

const CATEGORIES = Object.keys(QUESTIONS);

/** Journeys and their shares of the month's tickets. */
const MIX: Array<[Journey, number]> = [
  ['contained', 0.5],
  ['escalated', 0.2],
  ['human-only', 0.12],
  ['follow-up', 0.08],
  ['reopened', 0.04],
  ['abandoned', 0.06],
];

function pickJourney(r: number): Journey {
  let sum = 0;
  for (const [journey, share] of MIX) {
    sum += share;
    if (r < sum) return journey;
  }
  return 'contained';
}

/**
 * The month: `count` tickets opened evenly over `[from, to)`.
 *
 * @example
 * const tickets = demoTickets({ count: 120, from: Date.parse('2026-10-01'), to: Date.parse('2026-10-29'), seed: 7 });
 */
export function demoTickets({ count, from, to, seed = 7 }: { count: number; from: number; to: number; seed?: number }): DemoTicket[] {
  const random = seededRandom(seed);
  const step = (to - from) / count;
  return Array.from({ length: count }, (_, i) => {
    const category = CATEGORIES[Math.floor(random() * CATEGORIES.length)]!;
    const journey = pickJourney(random());
    const questions = QUESTIONS[category]!;
    const turnCount = journey === 'human-only' ? 0 : 1 + Math.floor(random() * 3) + (journey === 'escalated' || journey === 'abandoned' ? 2 : 0);
    const first = Math.floor(random() * questions.length);
    return {
      ticketId: `T-${String(1001 + i)}`,
      category,
      channel: journey === 'human-only' ? (random() < 0.6 ? 'email' : 'phone') : random() < 0.7 ? 'web' : 'mobile',
      customerId: `cust-${String(1 + Math.floor(random() * 80)).padStart(3, '0')}`,
      journey,
      openedAt: Math.round(from + i * step + random() * step * 0.5),
      turns: Array.from({ length: turnCount }, (_, t) => questions[(first + t) % questions.length]!),
      humanSeconds: 300 + Math.floor(random() * 1500),
      model: category === 'technical' && random() < 0.5 ? 'gpt-4o' : 'gpt-4o-mini',
    };
  });
}
