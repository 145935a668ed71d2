/**
 * Runs the support chatbot on port 3000 (env `PORT`) and prints how to talk to it.
 *
 *   npx tsx examples/express-chatbot/main.ts
 *
 * Without `OPENAI_API_KEY` it answers through a local SIMULATED upstream.
 */
import { openUpstream } from '../shared/upstream.js';
import { startChatbot } from './chatbot.js';

const upstream = await openUpstream();
const bot = await startChatbot({ port: Number(process.env.PORT ?? 3000), baseURL: upstream.baseURL, apiKey: upstream.apiKey });
const json = `-H 'content-type: application/json'`;

console.log(`Support chatbot listening on ${bot.url}; every model call is recorded in ${bot.meter.ledger.db.name}

Talk to it:
  curl ${json} -d '{"conversationId":"chat-1","message":"Where is my order?"}' ${bot.url}/chat
  curl -N ${json} -d '{"conversationId":"chat-1","message":"When will it arrive?"}' ${bot.url}/chat/stream
  curl ${json} -d '{"conversationId":"chat-1","by":"ai","confirmed":true}' ${bot.url}/resolve

  curl ${json} -d '{"conversationId":"chat-2","message":"I was charged twice."}' ${bot.url}/chat
  curl ${json} -d '{"conversationId":"chat-2","message":"Let me talk to a human."}' ${bot.url}/chat
  curl ${json} -d '{"conversationId":"chat-2","by":"human","agentSeconds":900}' ${bot.url}/resolve

  curl ${bot.url}/report      # or: npx cpr-meter report --db ${bot.meter.ledger.db.name}

Ctrl-C to stop.`);

process.once('SIGINT', () => {
  void bot.close().then(() => upstream.close());
});
