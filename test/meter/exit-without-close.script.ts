// A script that uses a meter on a file and never closes it: it must exit by itself once done,
// with every call it made in the ledger. Run by exit-without-close.test.ts with CPR_DB and
// SIM_BASE_URL (the parent's simulated upstream, scripted with each call's usage).
import OpenAI from 'openai';
import { createMeter } from '../../src/index.js';

const meter = createMeter({ db: process.env.CPR_DB!, env: {} });
const openai = meter.wrapOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: process.env.SIM_BASE_URL!, maxRetries: 0 }));
const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Where is my parcel?' }] };
await openai.chat.completions.create(ask, { headers: { 'x-cpr-conversation-id': 'exit-1' } });
const stream = await openai.chat.completions.create({ ...ask, stream: true }, { headers: { 'x-cpr-conversation-id': 'exit-2' } });
for await (const chunk of stream) void chunk;
await openai.chat.completions.create(ask, { headers: { 'x-cpr-conversation-id': 'exit-3' } });
console.log('done, meter left open');
