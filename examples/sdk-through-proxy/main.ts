/**
 * An application that goes through `cpr-meter serve` by changing nothing in its OpenAI code but
 * the client's `baseURL`, plus `x-cpr-*` headers that say which conversation and ticket a call
 * belongs to. Then it shows what the proxy's ledger recorded.
 *
 *   npx tsx examples/sdk-through-proxy/main.ts                                       # starts a proxy in-process
 *   CPR_PROXY_URL=http://127.0.0.1:8787 npx tsx examples/sdk-through-proxy/main.ts   # uses your `npx cpr-meter serve`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { createLogger, startServer, type Report } from 'cpr-meter';
import { openUpstream } from '../shared/upstream.js';

const proxy = await openProxy();
try {
  await application(proxy.url, proxy.apiKey);
  await showLedger(proxy);
} finally {
  await proxy.close();
}

/** The application: its usual OpenAI code; only the base URL and the `x-cpr-*` headers are new. */
async function application(proxyUrl: string, apiKey: string): Promise<void> {
  const openai = new OpenAI({ apiKey, baseURL: `${proxyUrl}/v1` });
  const model = 'gpt-4o-mini';
  // The proxy reads these headers (and never forwards them): chat session, helpdesk ticket, category.
  const headers = { 'x-cpr-conversation-id': 'chat-1001', 'x-cpr-ticket-id': 'T-1001', 'x-cpr-category': 'shipping' };
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Where is my order?' }];

  // 1. A plain call. `.withResponse()` only to show the headers the proxy adds: the call's ledger id and cost.
  const { data: completion, response } = await openai.chat.completions.create({ model, messages }, { headers }).withResponse();
  const answer = completion.choices[0]?.message.content ?? '';
  console.log(`1. chat           "${answer.slice(0, 48)}…"  call ${response.headers.get('x-cpr-call-id')}, cost ${usd(Number(response.headers.get('x-cpr-cost-usd')))}`);

  // 2. Streamed. The proxy asks the upstream for usage and hides that extra chunk: the app sees the usual stream.
  messages.push({ role: 'assistant', content: answer }, { role: 'user', content: 'When will it arrive?' });
  const stream = await openai.chat.completions.create({ model, messages, stream: true }, { headers });
  let streamed = '';
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
  console.log(`2. streamed       "${streamed.slice(0, 48)}…"`);

  // 3. A tool that only lets you set a base URL: the conversation goes in the path instead of a header.
  const scoped = new OpenAI({ apiKey, baseURL: `${proxyUrl}/c/chat-1002/v1` });
  const other = await scoped.chat.completions.create({ model, messages: [{ role: 'user', content: 'I want a refund.' }] });
  console.log(`3. /c/chat-1002   "${other.choices[0]?.message.content?.slice(0, 48)}…"`);

  // 4. Background work with no conversation (indexing the help centre): recorded as unattributed spend.
  const { data: vectors } = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['Refunds reach cards in 5 to 10 days.', 'Parcels ship within 24 hours.'] });
  console.log(`4. embeddings     ${vectors.length} vectors`);

  // The helpdesk (or the bot) tells cpr-meter when a ticket is resolved, so that the report can divide by it.
  const res = await fetch(`${proxyUrl}/api/events`, {
    method: 'POST', headers: apiHeaders(), body: JSON.stringify({ type: 'ticket.resolved', ticketId: 'T-1001', by: 'ai', confirmed: true }),
  });
  if (!res.ok) throw new Error(`POST /api/events answered ${res.status}: ${await res.text()}`);
}

/** What the ledger recorded: its rows (when this script owns the file), and the proxy's report. */
async function showLedger(proxy: Proxy): Promise<void> {
  if (proxy.ledgerRows) {
    console.log("\nThe ledger's rows (llm_calls; no prompt or completion text is stored):");
    console.table(proxy.ledgerRows());
  }
  const res = await fetch(`${proxy.url}/api/report`, { headers: apiHeaders() });
  if (!res.ok) throw new Error(`GET /api/report answered ${res.status}: ${await res.text()}`);
  const { totals } = (await res.json()) as Report;
  console.log(`GET /api/report (last 30 days): ${totals.llmCalls} LLM calls, ${totals.conversations} conversations, ${totals.tickets} tickets (${totals.resolved} resolved)`);
  console.log(`  LLM cost ${usd(totals.llmCostUsd)} (unattributed ${usd(totals.unattributedLlmCostUsd)}), `
    + `per conversation ${usd(totals.costPerConversationUsd)}, per resolution ${usd(totals.costPerResolutionUsd)}`);
}

/** `/api/` routes want the admin token when the proxy has one (CPR_ADMIN_TOKEN). */
function apiHeaders(): Record<string, string> {
  const token = process.env.CPR_ADMIN_TOKEN;
  return { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
}

/** Dollars to three significant digits, cents at least: LLM calls cost fractions of a cent. */
function usd(amount: number | null): string {
  if (amount === null || Number.isNaN(amount)) return 'n/a';
  return amount.toLocaleString('en-US', { style: 'currency', currency: 'USD', maximumSignificantDigits: 3, maximumFractionDigits: 2, roundingPriority: 'morePrecision' });
}

/** A proxy to go through. */
interface Proxy {
  url: string;
  /** The key the application's client presents. */
  apiKey: string;
  /** The ledger's rows, when the proxy (and its file) is this script's. */
  ledgerRows: (() => unknown[]) | null;
  close(): Promise<void>;
}

/** The running proxy named by `CPR_PROXY_URL`, else one started here as `cpr-meter serve` would run, on a temporary ledger. */
async function openProxy(): Promise<Proxy> {
  const external = process.env.CPR_PROXY_URL;
  if (external) {
    console.log(`Proxy: ${external} (CPR_PROXY_URL)`);
    // A proxy that holds the upstream key (CPR_UPSTREAM_API_KEY) wants its CPR_PROXY_TOKEN as the client's key.
    const apiKey = process.env.CPR_PROXY_TOKEN ?? process.env.OPENAI_API_KEY ?? 'sk-none';
    return { url: external.replace(/\/+$/, ''), apiKey, ledgerRows: null, close: async () => {} };
  }
  const upstream = await openUpstream();
  const dir = mkdtempSync(join(tmpdir(), 'cpr-sdk-example-'));
  const db = join(dir, 'ledger.db');
  const cpr = await startServer({ port: 0, db, upstream: upstream.baseURL, env: {}, logger: createLogger({ level: 'warn' }) });
  console.log(`Proxy: started in-process at ${cpr.url}, as \`npx cpr-meter serve --db ${db} --upstream ${upstream.baseURL}\` would\n`);
  const query = cpr.ledger.db.prepare(`SELECT operation, response_model AS model, conversation_id AS conversation, ticket_id AS ticket,
    input_tokens AS input, output_tokens AS output, streamed, cost_usd AS costUsd FROM llm_calls ORDER BY started_at`);
  return {
    url: cpr.url,
    apiKey: upstream.apiKey,
    ledgerRows: () => query.all(),
    async close() {
      await cpr.close();
      await upstream.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
