// The dashboard: one page over cpr-meter's JSON APIs. The view lives in the URL (view-state.js).
import { getJson } from './api.js';
import { renderBreakdown, renderBreakdownError } from './breakdown.js';
import { explainTerms, listDefinitions } from './definitions.js';
import { renderModels } from './models.js';
import { renderOverview } from './overview.js';
import { renderTickets } from './tickets.js';
import { renderTimeline } from './timeline.js';
import { renderTrend } from './trend.js';
import { previousLabel, readView, windowOf, writeView } from './view-state.js';

const PAGE = 20;
let view = readView();
const $ = (id) => document.getElementById(id);
const query = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v !== undefined && v !== null)).toString();
const windowQuery = () => {
  const { from, to } = windowOf(view);
  return { from, to };
};

function showError(error) {
  $('error').hidden = false;
  $('error').textContent = error instanceof Error ? error.message : String(error);
}

/** The overview, the trend, the breakdown and the model table: everything that depends on the window. */
async function loadWindow() {
  const w = windowOf(view);
  $('window-label').textContent = w.label;
  for (const button of document.querySelectorAll('[data-period]')) button.classList.toggle('active', button.dataset.period === view.period);
  const form = $('window-form');
  form.from.value = w.from;
  form.to.value = w.to;
  const report = await getJson(`report?${query({ ...windowQuery(), compare: 'previous' })}`);
  renderOverview(report, { previousLabel: previousLabel(report) });
  renderModels(report);
  document.body.dataset.window = `${report.window.from}/${report.window.to}`;
  await loadTrend();
  await loadBreakdown();
}

async function loadTrend() {
  for (const button of document.querySelectorAll('[data-interval]')) button.classList.toggle('active', button.dataset.interval === view.interval);
  renderTrend(await getJson(`trend?${query({ ...windowQuery(), interval: view.interval })}`));
}

async function loadBreakdown() {
  for (const button of document.querySelectorAll('[data-group]')) button.classList.toggle('active', button.dataset.group === view.groupBy);
  try {
    const report = await getJson(`report?${query({ ...windowQuery(), groupBy: view.groupBy })}`);
    renderBreakdown(report, { groupBy: view.groupBy, onOpen: (key) => openGroup(key) });
  } catch (error) {
    renderBreakdownError(`No breakdown by ${view.groupBy}: ${error.message}`);
  }
}

async function loadTickets() {
  const form = $('ticket-filters');
  for (const name of ['path', 'category', 'channel', 'customer']) form[name].value = view[name];
  const page = await getJson(`tickets?${query({ ...windowQuery(), sort: view.sort, order: view.order, path: view.path, category: view.category,
    channel: view.channel, customer: view.customer, limit: PAGE, offset: view.offset })}`);
  renderTickets(page, {
    view,
    onSort: (sort, order) => update({ sort, order, offset: 0 }, loadTickets),
    onOpen: (id) => update({ ticket: id }, loadTimeline),
  });
}

async function loadTimeline() {
  if (!view.ticket) {
    $('timeline').hidden = true;
    return;
  }
  renderTimeline(await getJson(`tickets/${encodeURIComponent(view.ticket)}?${query(windowQuery())}`));
  $('timeline').hidden = false;
  $('timeline').scrollIntoView({ block: 'start' });
}

function openGroup(key) {
  update({ category: '', channel: '', customer: '', [view.groupBy]: key, offset: 0 }, loadTickets).then(() => $('tickets').scrollIntoView({ block: 'start' }));
}

/** Changes the view, writes it to the URL, and reloads what depends on the change. */
async function update(changes, ...loaders) {
  view = { ...view, ...changes };
  writeView(view);
  $('error').hidden = true;
  document.body.dataset.loading = 'true';
  try {
    for (const load of loaders) await load();
  } catch (error) {
    showError(error);
  } finally {
    delete document.body.dataset.loading;
  }
}

const all = [loadWindow, loadTickets, loadTimeline];
for (const button of document.querySelectorAll('[data-period]')) {
  button.addEventListener('click', () => update({ period: button.dataset.period, from: '', to: '', offset: 0, ticket: '' }, ...all));
}
$('window-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  update({ period: '', from: form.from.value, to: form.to.value, offset: 0, ticket: '' }, ...all);
});
for (const button of document.querySelectorAll('[data-interval]')) button.addEventListener('click', () => update({ interval: button.dataset.interval }, loadTrend));
for (const button of document.querySelectorAll('[data-group]')) button.addEventListener('click', () => update({ groupBy: button.dataset.group }, loadBreakdown));
$('ticket-filters').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  update({ path: form.path.value, category: form.category.value.trim(), channel: form.channel.value.trim(), customer: form.customer.value.trim(), offset: 0 }, loadTickets);
});
$('clear-filters').addEventListener('click', () => update({ path: '', category: '', channel: '', customer: '', offset: 0 }, loadTickets));
$('prev-page').addEventListener('click', () => update({ offset: Math.max(0, view.offset - PAGE) }, loadTickets));
$('next-page').addEventListener('click', () => update({ offset: view.offset + PAGE }, loadTickets));
$('close-timeline').addEventListener('click', () => update({ ticket: '' }, loadTimeline));

explainTerms();
listDefinitions($('definitions-list'));
update({}, ...all).then(() => { document.body.dataset.ready = 'true'; });
