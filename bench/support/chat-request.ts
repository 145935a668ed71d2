/** The request every benchmark sends: a realistic support-bot chat completion, about 700 bytes. */

/** The requested model (bundled prices know it, so every call is priced). */
export const REQUEST_MODEL = 'gpt-4o-mini';

const MESSAGES = [
  { role: 'system', content: 'You are the support assistant of an online shop. Answer briefly and politely; escalate to a human when the customer asks for a refund over 100 EUR.' },
  { role: 'user', content: 'Hi, I ordered a pair of running shoes last Monday (order 58213) and the tracking page still says "label created". Has it shipped? I need them before the race on Sunday.' },
];

/** The JSON body of a non-streamed chat completion. */
export const CHAT_BODY = JSON.stringify({ model: REQUEST_MODEL, messages: MESSAGES, temperature: 0.2, max_tokens: 300 });

/** The JSON body of a streamed chat completion; the client does not ask for usage (the SDK's default). */
export const STREAM_BODY = JSON.stringify({ model: REQUEST_MODEL, messages: MESSAGES, temperature: 0.2, max_tokens: 300, stream: true });

/** Headers of every request: JSON, a client key, and the conversation it belongs to. */
export const CHAT_HEADERS: Record<string, string> = {
  'content-type': 'application/json',
  authorization: 'Bearer sk-bench-client',
  'x-cpr-conversation-id': 'conv-bench-1',
};
