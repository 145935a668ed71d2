import { eventSchema } from './event-schema.js';

/**
 * A field cpr-meter does not know, found on incoming events and ignored. Events with unknown
 * fields are still accepted (webhooks send more than cpr-meter needs), but a misspelt optional
 * field (`"categroy"`) would otherwise be lost in silence: the answer names it.
 */
export interface EventWarning {
  /** `unknown_field`: the only kind so far. */
  code: 'unknown_field';
  /** The event type it was found on. */
  type: string;
  /** The field as sent. */
  field: string;
  /** How many events of the batch (or lines of the file) carried it. */
  count: number;
  /** The first of them: its position in the batch, or its line in a file; `null` for a single event. */
  index: number | null;
  /** Says what was ignored, where, and the known field it may stand for. */
  message: string;
}

/** The fields each event type knows. */
const KNOWN: ReadonlyMap<string, readonly string[]> = new Map(
  eventSchema.options.map((option) => [option.shape.type.value as string, Object.keys(option.shape)]),
);

/** The fields of `item` (an event of `type`, already validated) that its type does not know. */
export function unknownFields(item: object, type: string): string[] {
  const known = KNOWN.get(type) ?? [];
  return Object.keys(item).filter((key) => !known.includes(key));
}

/** Edit distance, small strings only (field names). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The known field of `type` that `field` is most likely a misspelling of (case, or two edits at most), if any. */
function closest(field: string, type: string): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const known of KNOWN.get(type) ?? []) {
    const d = known.toLowerCase() === field.toLowerCase() ? 0 : distance(field, known);
    if (d < bestDistance) [best, bestDistance] = [known, d];
  }
  return best;
}

/**
 * Gathers the unknown fields of a batch into one warning per event type and field (a file of a
 * million events with one stray field gives one warning, not a million).
 *
 * @example
 * const warnings = new EventWarnings('event');
 * warnings.add({ type: 'ticket.opened', field: 'categroy', index: 0 });
 * warnings.list()[0].message; // 'event 0 (ticket.opened): unknown field "categroy" was ignored; did you mean "category"?'
 */
export class EventWarnings {
  readonly #where: 'event' | 'line';
  readonly #found = new Map<string, { type: string; field: string; count: number; index: number | null }>();

  /** `where` names the position in messages: `event` (a batch's index) or `line` (a file's line number). */
  constructor(where: 'event' | 'line') {
    this.#where = where;
  }

  /** Notes one unknown field of one event. */
  add({ type, field, index }: { type: string; field: string; index: number | null }): void {
    const key = JSON.stringify([type, field]);
    const found = this.#found.get(key);
    if (found === undefined) this.#found.set(key, { type, field, count: 1, index });
    else found.count += 1;
  }

  /** The warnings, in the order their fields were first found. */
  list(): EventWarning[] {
    return [...this.#found.values()].map(({ type, field, count, index }) => {
      const where = index === null ? this.#where : `${this.#where} ${index}`;
      const more = count > 1 ? ` and ${count - 1} more` : '';
      const guess = closest(field, type);
      const hint = guess === null ? `; ${type} knows ${(KNOWN.get(type) ?? []).join(', ')}` : `; did you mean "${guess}"?`;
      const message = `${where}${more} (${type}): unknown field ${JSON.stringify(field)} was ignored${hint}`;
      return { code: 'unknown_field', type, field, count, index, message };
    });
  }
}
