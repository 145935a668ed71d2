import { createParser } from 'eventsource-parser';
import type { EventSourceMessage } from 'eventsource-parser';

/** POSTs `body` (JSON unless it is already a string) to `url`. */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Reads a whole SSE response into its events, with eventsource-parser. */
export async function readSse(res: Response): Promise<EventSourceMessage[]> {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  parser.feed(await res.text());
  return events;
}

/** The JSON payloads of SSE events, skipping OpenAI's `[DONE]` sentinel. */
export function jsonPayloads(events: readonly EventSourceMessage[]): Array<Record<string, unknown>> {
  return events.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data) as Record<string, unknown>);
}

/** The headers Anthropic clients send. */
export const ANTHROPIC_HEADERS = { 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' };

/** The JSON body of `res`, loosely typed so that assertions can walk into it. */
export async function readJson(res: Response): Promise<any> {
  return res.json();
}
