/**
 * A server-sent event stream, already serialised, in three parts so that the writer can pace the
 * content and stall or die in the middle of it: `head` (sent at once), `content` (one event per
 * content chunk) and `tail` (the closing events, with the final usage where the provider puts it).
 */
export interface SseFrames {
  head: string[];
  content: string[];
  tail: string[];
}

/**
 * One SSE event: `event: NAME\n` when a name is given (Anthropic, Responses API), then
 * `data: JSON\n\n`.
 */
export function sseEvent(data: unknown, event?: string): string {
  const payload = `data: ${JSON.stringify(data)}\n\n`;
  return event === undefined ? payload : `event: ${event}\n${payload}`;
}

/** The sentinel that ends OpenAI chat and legacy completion streams. */
export const SSE_DONE = 'data: [DONE]\n\n';
