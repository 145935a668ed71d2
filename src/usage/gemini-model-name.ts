/**
 * A Gemini model as the price data and the ledger name it: the name without the `models/`
 * prefix that Google's wire format puts before it in places (the `model` of `:embedContent` and
 * `:batchEmbedContents` bodies, `models/{model}` in paths). A tuned model keeps its
 * `tunedModels/` prefix: its id (`[a-z]([a-z0-9-]{0,38}[a-z0-9])?`, Google's API reference,
 * "Tuning") names no base model, so it is never priced as one by accident; a price-file key
 * `tunedModels/{id}` prices it. Pure.
 *
 * @example
 * geminiModelName('models/gemini-embedding-001') // 'gemini-embedding-001'
 * geminiModelName('gemini-2.5-flash')            // 'gemini-2.5-flash'
 * geminiModelName('tunedModels/support-bot-v2')  // 'tunedModels/support-bot-v2'
 */
export function geminiModelName(name: string): string {
  return name.startsWith('models/') && name.length > 'models/'.length ? name.slice('models/'.length) : name;
}
