import type { Operation } from '../usage/types.js';

/**
 * The generated text of a non-streamed response, for estimating output tokens when a provider
 * reports no usage. Pure; `''` for anything it does not recognise.
 */
export function outputTextOf(operation: Operation, body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const record = body as Record<string, unknown>;
  const parts: string[] = [];
  const push = (value: unknown) => {
    if (typeof value === 'string') parts.push(value);
  };
  if (operation === 'chat' || operation === 'completions') {
    for (const choice of Array.isArray(record.choices) ? record.choices : []) {
      push((choice as { message?: { content?: unknown } })?.message?.content);
      push((choice as { text?: unknown })?.text);
    }
  } else if (operation === 'responses') {
    for (const item of Array.isArray(record.output) ? record.output : []) {
      for (const part of Array.isArray(item?.content) ? item.content : []) push(part?.text);
    }
  } else if (operation === 'messages') {
    for (const block of Array.isArray(record.content) ? record.content : []) push(block?.text);
  } else if (operation === 'generate_content') {
    // A stream answered without `alt=sse` is one JSON array of chunks.
    for (const chunk of Array.isArray(body) ? body : [record]) if (typeof chunk === 'object' && chunk !== null) parts.push(geminiText(chunk as Record<string, unknown>));
  }
  return parts.join('');
}

/** The text of a Gemini `GenerateContentResponse` (a whole answer or one stream chunk): every candidate's text parts. */
export function geminiText(record: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const candidate of Array.isArray(record.candidates) ? record.candidates : []) {
    const content = (candidate as { content?: { parts?: unknown } } | null)?.content;
    for (const part of Array.isArray(content?.parts) ? content.parts : []) {
      const text = (part as { text?: unknown } | null)?.text;
      if (typeof text === 'string') parts.push(text);
    }
  }
  return parts.join('');
}
