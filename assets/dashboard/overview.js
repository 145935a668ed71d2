// The top-line numbers of the window, each with its change against the previous window of the same length.
import { tip } from './definitions.js';
import { change, el, hourlyRates, integer, money, percent } from './format.js';

/** [figure, label, term, kind, which way is better]. `aiCostPerAiResolutionUsd` and the savings may be absent (older cpr-meter): `n/a`. */
const CARDS = [
  ['aiJourneyCostPerResolutionUsd', 'True AI CPR', 'aiCpr', 'money', 'lower'],
  ['humanOnlyCostPerResolutionUsd', 'Human-only CPR', 'humanCpr', 'money', 'lower'],
  ['costPerResolutionUsd', 'Blended CPR', 'blendedCpr', 'money', 'lower'],
  ['naiveAiCostPerResolutionUsd', 'Naive AI CPR', 'naive', 'money', undefined],
  ['aiCostPerAiResolutionUsd', 'AI cost per AI resolution', 'aiCostPerAiResolution', 'money', 'lower'],
  ['savingsUsd', 'Savings (estimate)', 'savings', 'money', 'higher'],
  ['savingsPerResolutionUsd', 'Savings per resolution (estimate)', 'savingsPerResolution', 'money', 'higher'],
  ['totalCostUsd', 'Total cost', 'totalCost', 'money', undefined],
];
const RATES = [
  ['automationRate', 'Automation', 'automation', 'rate', 'higher'],
  ['containmentRate', 'Containment', 'containment', 'rate', 'higher'],
  ['escalationRate', 'Escalation', 'escalation', 'rate', 'lower'],
  ['fcrRate', 'FCR', 'fcr', 'rate', 'higher'],
  ['reopenRate', 'Reopen', 'reopen', 'rate', 'lower'],
  ['resolved', 'Resolved', 'inScope', 'count', undefined],
  ['tickets', 'Tickets in scope', 'inScope', 'count', undefined],
];

const show = (value, kind) => (kind === 'money' ? money(value) : kind === 'rate' ? percent(value) : integer(value));

function card([figure, label, term, kind, better], totals, previous) {
  const value = totals[figure] ?? null;
  const delta = change(value, previous?.[figure] ?? null, { kind, better });
  return el('div', { class: 'card', 'data-figure': figure, 'data-value': value === null ? 'null' : value, title: tip(term) },
    el('div', { class: 'label' }, label),
    el('div', { class: 'value' }, show(value, kind)),
    el('div', { class: `change ${delta.tone}` }, delta.text));
}

/** Renders the cards of `report` (with `report.previous` from `compare=previous`). */
export function renderOverview(report, { previousLabel }) {
  const { totals } = report;
  const previous = report.previous?.totals;
  document.getElementById('cards').replaceChildren(...CARDS.map((c) => card(c, totals, previous)));
  document.getElementById('rates').replaceChildren(...RATES.map((c) => card(c, totals, previous)));
  const baseline = totals.humanBaselineCprUsd;
  document.getElementById('spend-line').replaceChildren(
    `Changes are against ${previousLabel}. Spend: LLM ${money(totals.llmCostUsd)} (unattributed ${money(totals.unattributedLlmCostUsd)}), `
      + `human work ${money(totals.humanCostUsd)}, fixed ${money(totals.fixedCostUsd)}; `,
    el('span', { class: 'term', title: tip('unallocated') }, `unallocated ${money(report.unallocatedCostUsd)}`),
    '. ',
    el('span', { class: 'term', title: tip('baseline') }, `Human baseline CPR ${money(baseline ?? null)}`),
    `. Human work without an amount costed at ${hourlyRates(report)}.`,
    ` ${integer(totals.llmCalls)} LLM calls, ${integer(totals.unpricedLlmCalls)} unpriced, ${integer(totals.estimatedLlmCalls)} with estimated usage.`,
  );
  // What a reader must know before trusting the numbers: the report's own warnings, as every format prints them.
  const warnings = report.warnings ?? [];
  const list = document.getElementById('warnings');
  list.hidden = warnings.length === 0;
  list.replaceChildren(...warnings.map((w) => el('li', { 'data-code': w.code }, `WARNING: ${w.message}`)));
}
