// Every term the page uses, in the README's words. Shown as tooltips where the term appears
// (`<span class="term" data-term="...">`, table headers, cards) and listed at the bottom of the page.
export const TERMS = {
  aiCpr: ['True AI CPR', 'Loaded cost of AI-handled tickets / their resolved number: the true AI CPR, escalations and failures included.'],
  humanCpr: ['Human-only CPR', 'Loaded cost of human-only tickets (no LLM call) / the human-only tickets resolved.'],
  blendedCpr: ['Blended CPR', 'Total cost / resolved: every dollar spent on support in the window divided by the issues actually resolved in it.'],
  naive: ['Naive AI CPR', 'LLM cost of AI-resolved tickets / AI-resolved: what a vendor quotes. It leaves out escalations, failures, human work and fixed costs.'],
  aiCostPerAiResolution: ['AI cost per AI resolution', '(LLM cost + ai fixed costs in the window) / AI-resolved: what the bot costs per resolution it achieves, failures included; the figure to hold against a vendor\'s per-resolution price.'],
  savings: ['Savings (estimate)', 'Human baseline CPR x resolved - total cost: an estimate of what resolving the same tickets with humans alone would have cost more.'],
  savingsPerResolution: ['Savings per resolution (estimate)', 'Human baseline CPR - blended CPR.'],
  baseline: ['Human baseline CPR', 'The human CPR to compare with: a configured baseline (the ledger\'s setting, or a report option), else the human-only CPR of the window.'],
  totalCost: ['Total cost', 'LLM cost + human work + fixed costs of the window: the LLM calls of the tickets in scope and the unattributed calls in the window, the human work of the tickets in scope, fixed costs pro-rated to the window.'],
  loaded: ['Loaded cost', 'A ticket\'s direct cost (LLM calls of its conversations + its human work) plus its shares of the costs no ticket owns. All loaded costs plus unallocated equal the total cost.'],
  shares: ['Shares', 'Costs no ticket owns, shared equally: unattributed LLM spend and ai fixed costs over the AI-handled tickets in scope, human fixed costs over the human-touched ones, shared fixed costs over all of them.'],
  unallocated: ['Unallocated', 'Unattributed spend and fixed costs that found no ticket to go to (for example ai fixed costs in a window with no AI-handled ticket). In the total, in no ticket.'],
  contained: ['Contained', 'AI-handled (at least one LLM call) and not escalated.'],
  escalated: ['Escalated', 'AI-handled and handed to a human: a handoff, or resolved by a human.'],
  humanOnly: ['Human-only', 'No LLM call: handled by humans alone.'],
  unresolved: ['Unresolved', 'Not resolved at the end of the window (in scope because it opened in the window).'],
  inScope: ['Tickets in scope', 'Tickets resolved in the window (as of its end), plus tickets still unresolved at its end that opened in it.'],
  automation: ['Automation rate', 'AI-resolved / resolved.'],
  containment: ['Containment rate', 'Contained / AI-handled.'],
  escalation: ['Escalation rate', 'Escalated / AI-handled.'],
  fcr: ['FCR (first-contact resolution)', 'Resolved tickets with one conversation (or none) and no reopen / resolved.'],
  reopen: ['Reopen rate', 'Resolved tickets reopened at least once / resolved. A new conversation linked after a resolution (a follow-up contact) counts as a reopen.'],
  unattributed: ['Unattributed', 'LLM calls in the window with no conversation: shared over the AI-handled tickets.'],
  unpriced: ['Unpriced', 'A call whose model has no known price: counted, but adds no cost (never silently $0). The report warns about it.'],
  estimated: ['Estimated', 'The provider reported no usage: tokens were counted with a tokenizer.'],
};

/** The tooltip text of a term: `Name: definition`. */
export function tip(term) {
  const [name, text] = TERMS[term];
  return `${name}: ${text}`;
}

/** Gives every `.term[data-term]` of `root` its tooltip, and fills the definitions list. */
export function explainTerms(root = document) {
  for (const node of root.querySelectorAll('.term[data-term]')) node.title = tip(node.dataset.term);
}

/** Fills the list of definitions at the bottom of the page. */
export function listDefinitions(list) {
  for (const [name, text] of Object.values(TERMS)) {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = text;
    list.append(dt, dd);
  }
}
