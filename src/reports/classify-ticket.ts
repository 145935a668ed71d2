import type { TicketStatus } from '../tickets/ticket-status.js';
import { addSpend, emptySpend } from './figures.js';
import type { LlmSpend, TicketFacts, TicketOutcome } from './types.js';

/** A ticket as a report sees it at one moment. */
export interface ClassifiedTicket extends TicketOutcome {
  /** When it counts: its resolution in force, else its opening. A report's scope and periods go by it. */
  keyTime: number;
  /** Its LLM calls, all models summed. */
  llm: LlmSpend;
}

/**
 * Classifies a ticket per `../shared/cpr-definitions.md`, given its status at the report's end
 * (`ticketStatus(facts.statusChanges, to)`). The one place the definitions' paths are decided:
 * `computeReport` uses it for every ticket, and the SQLite ledger for the tickets it keeps.
 *
 * @example
 * classifyTicket(facts, ticketStatus(facts.statusChanges, to)).escalated;
 */
export function classifyTicket(facts: TicketFacts, status: TicketStatus): ClassifiedTicket {
  const llm = emptySpend();
  for (const spend of facts.llm) addSpend(llm, spend);
  const aiHandled = llm.calls > 0;
  return {
    keyTime: status.resolved ? status.resolvedAt! : facts.openedAt,
    llm,
    resolved: status.resolved,
    aiHandled,
    escalated: aiHandled && (facts.handoffs > 0 || status.everResolvedByHuman),
    reopened: status.reopens > 0,
    firstContact: facts.conversations <= 1,
    withoutActivity: facts.withoutActivity === true,
  };
}
