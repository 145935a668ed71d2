import { randomBytes, randomUUID } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function alphanumeric(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHANUMERIC[b % ALPHANUMERIC.length];
  return out;
}

/**
 * Random identifiers in the forms the real APIs use, e.g. `chatcmpl-` and 29 letters or digits,
 * `resp_` and 50 hex digits, Anthropic's `msg_01` and 22 letters or digits.
 */
export const ids = {
  chatCompletion: (): string => `chatcmpl-${alphanumeric(29)}`,
  completion: (): string => `cmpl-${alphanumeric(29)}`,
  response: (): string => `resp_${randomBytes(25).toString('hex')}`,
  responseMessage: (): string => `msg_${randomBytes(25).toString('hex')}`,
  responseReasoning: (): string => `rs_${randomBytes(25).toString('hex')}`,
  anthropicMessage: (): string => `msg_01${alphanumeric(22)}`,
  openaiRequest: (): string => `req_${randomBytes(16).toString('hex')}`,
  anthropicRequest: (): string => `req_01${alphanumeric(22)}`,
  /** Gemini's `responseId`: 22 to 23 URL-safe characters, e.g. `tTCwacuEBMvnitYP06qsgQY`. */
  geminiResponse: (): string => alphanumeric(23),
  /** Azure's `apim-request-id` header: a UUID. */
  azureRequest: (): string => randomUUID(),
};

/**
 * The random padding OpenAI adds to stream events by default (`obfuscation`, turned off by
 * `stream_options.include_obfuscation: false`) so that event sizes do not reveal token lengths.
 */
export function obfuscation(): string {
  return alphanumeric(1 + Math.floor(Math.random() * 15));
}
