import type { Operation, Provider } from '../usage/types.js';

/*
 * The OpenTelemetry names cpr-meter emits, copied from the GenAI semantic conventions v1.41.0
 * (docs/gen-ai/gen-ai-spans.md and gen-ai-metrics.md of open-telemetry/semantic-conventions;
 * the GenAI part has since moved to open-telemetry/semantic-conventions-genai). They are copied,
 * not imported from `@opentelemetry/semantic-conventions/incubating`, because that entry point is
 * unstable by design: a minor release may rename what we emit. Renaming here is a deliberate act.
 *
 * Every `gen_ai.*` name is at "Development" stability. Known renames after v1.41:
 * `gen_ai.usage.cache_creation.input_tokens` → `gen_ai.usage.cache_write.input_tokens`,
 * `gen_ai.client.operation.*` → `gen_ai.client.inference.*` for inference operations, and
 * `gen_ai.client.token.usage` → `gen_ai.client.inference.usage.*` counters.
 */

/** The instrumentation scope (tracer and meter name) of cpr-meter's telemetry. */
export const INSTRUMENTATION_SCOPE = 'cpr-meter';

/** `gen_ai.operation.name`: `chat`, `embeddings`, `text_completion`, … */
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
/** `gen_ai.provider.name`: `openai`, `anthropic`, … */
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
/** `gen_ai.request.model`: the model the request named. */
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
/** `gen_ai.response.model`: the model that answered (`gpt-4o-mini-2024-07-18`). */
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
/** `gen_ai.response.id`: the response's own id (`chatcmpl-…`, `resp_…`, `msg_…`). */
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
/** `gen_ai.response.finish_reasons`: string array, one per choice. */
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
/** `gen_ai.conversation.id`: the conversation (session, thread) the call belongs to. */
export const ATTR_GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id';
/** `gen_ai.usage.input_tokens`: every input token, cached or not. */
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
/** `gen_ai.usage.output_tokens`: every output token, reasoning included. */
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
/** `gen_ai.usage.cache_read.input_tokens`: input tokens served from the provider's cache (a part of the input). */
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
/** `gen_ai.usage.cache_creation.input_tokens`: input tokens written to the provider's cache (v1.41 name; later `cache_write`). */
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
/** `gen_ai.usage.reasoning.output_tokens`: output tokens spent on reasoning (a part of the output). */
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
/** `gen_ai.token.type`: `input` or `output`, on `gen_ai.client.token.usage`. */
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';
/** `server.address` (stable): the GenAI server, behind any proxy when known. */
export const ATTR_SERVER_ADDRESS = 'server.address';
/** `server.port` (stable): set whenever `server.address` is. */
export const ATTR_SERVER_PORT = 'server.port';
/** `error.type` (stable): a low-cardinality class of the failure. */
export const ATTR_ERROR_TYPE = 'error.type';

/**
 * `gen_ai.usage.cost`: the call's cost in USD. Not an OpenTelemetry convention: the name Langfuse
 * and OpenLIT read a generation's cost from.
 */
export const ATTR_GEN_AI_USAGE_COST = 'gen_ai.usage.cost';

/** `cpr.call.id`: the ledger row's id, also sent to the client as `x-cpr-call-id`. */
export const ATTR_CPR_CALL_ID = 'cpr.call.id';
/** `cpr.call.status`: `ok`, `error` or `aborted`, as in the ledger. */
export const ATTR_CPR_CALL_STATUS = 'cpr.call.status';
/** `cpr.ticket.id`: the support ticket named with the call. */
export const ATTR_CPR_TICKET_ID = 'cpr.ticket.id';
/** `cpr.usage.estimated`: true when the usage was counted with a tokenizer, not reported by the provider. */
export const ATTR_CPR_USAGE_ESTIMATED = 'cpr.usage.estimated';
/** `cpr.failure.kind`: the kind of a failed ledger write (`SQLITE_BUSY`, `SQLITE_FULL`, …). */
export const ATTR_CPR_FAILURE_KIND = 'cpr.failure.kind';

/** Histogram of input and output tokens per call, unit `{token}`. */
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage';
/** Histogram of call durations, unit `s`. */
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration';
/** Histogram of the time to the first streamed chunk, unit `s`; streams only. */
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK = 'gen_ai.client.operation.time_to_first_chunk';
/** Counter of spend, unit `USD`; priced calls only. */
export const METRIC_CPR_LLM_COST = 'cpr.llm.cost';
/** Counter of calls whose cost is unknown (no price for the model, or no usage). */
export const METRIC_CPR_LLM_UNPRICED_CALLS = 'cpr.llm.unpriced_calls';
/** Observable counter of failed ledger writes, by `cpr.failure.kind`. */
export const METRIC_CPR_LEDGER_WRITES_FAILED = 'cpr.ledger.writes_failed';
/** Observable counter of ledger rows lost because the retry buffer was full. */
export const METRIC_CPR_LEDGER_ROWS_DROPPED = 'cpr.ledger.rows_dropped';
/** Observable gauge of ledger rows waiting in the retry buffer. */
export const METRIC_CPR_LEDGER_RETRY_BUFFER = 'cpr.ledger.retry_buffer';
/** Observable counter of events written on calls' behalf (conversation links) that were lost. */
export const METRIC_CPR_LEDGER_EVENTS_DROPPED = 'cpr.ledger.events_dropped';
/** Observable gauge of events written on calls' behalf waiting in the retry buffer. */
export const METRIC_CPR_LEDGER_EVENT_RETRY_BUFFER = 'cpr.ledger.event_retry_buffer';

/** The conventions' advisory bucket boundaries of `gen_ai.client.token.usage` (powers of 4). */
export const TOKEN_USAGE_BUCKETS: readonly number[] = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
/**
 * The conventions' advisory bucket boundaries, in seconds, of `gen_ai.client.operation.duration`
 * and of `gen_ai.client.operation.time_to_first_chunk` (the same list: 10 ms doubling to 81.92 s).
 */
export const DURATION_BUCKETS: readonly number[] = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/**
 * `gen_ai.operation.name` of each recorded operation. The conventions say a well-known value MUST
 * be used when one applies: the Responses API and Anthropic Messages generate a reply to a
 * conversation, which is `chat`; the legacy Completions API is `text_completion`; Gemini's
 * `:generateContent` is `generate_content`.
 */
export const OPERATION_NAMES: Readonly<Record<Operation, string>> = {
  chat: 'chat',
  responses: 'chat',
  messages: 'chat',
  embeddings: 'embeddings',
  completions: 'text_completion',
  generate_content: 'generate_content',
};

/** `gen_ai.provider.name` of each wire format (all well-known values; Gemini's API is `gcp.gemini`). */
export const PROVIDER_NAMES: Readonly<Record<Provider, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
};

/**
 * `gen_ai.provider.name` of the upstream providers (genai-prices ids, and the AI SDK's
 * `google-vertex`) that have a well-known value of their own beside their wire format's: Azure
 * OpenAI speaks OpenAI's format and is `azure.ai.openai`, Groq's OpenAI-compatible API is `groq`,
 * Bedrock (`aws`, in process) is `aws.bedrock` whatever model it serves, Vertex AI
 * (`google-vertex`, Gemini or Claude) is `gcp.vertex_ai`. Any other upstream is named by its
 * wire format. The values are the well-known ones of the conventions as of
 * `@opentelemetry/semantic-conventions` 1.45 (`GEN_AI_PROVIDER_NAME_VALUE_*`); of those, no
 * upstream here is `azure.ai.inference`, `gcp.gen_ai` or `ibm.watsonx.ai`.
 */
export const UPSTREAM_PROVIDER_NAMES: Readonly<Record<string, string>> = {
  azure: 'azure.ai.openai',
  aws: 'aws.bedrock',
  google: 'gcp.gemini',
  'google-vertex': 'gcp.vertex_ai',
  groq: 'groq',
  'x-ai': 'x_ai',
  mistral: 'mistral_ai',
  deepseek: 'deepseek',
  perplexity: 'perplexity',
  cohere: 'cohere',
};

/** The upstream a proxied call went to, by its name (`--upstream name=url`). */
export const ATTR_CPR_UPSTREAM = 'cpr.upstream';

/** `error.type` when a failure names no kind and carries no HTTP status (the conventions' fallback). */
export const ERROR_TYPE_OTHER = '_OTHER';

/** Counter of helpdesk webhook deliveries, by `cpr.helpdesk` and `cpr.webhook.outcome`. */
export const METRIC_CPR_WEBHOOKS_DELIVERIES = 'cpr.webhooks.deliveries';
/** The helpdesk a webhook came from (`zendesk`, `intercom`, `hubspot`, `freshdesk`). */
export const ATTR_CPR_HELPDESK = 'cpr.helpdesk';
/** What became of a webhook delivery (`stored`, `duplicate`, `conflict`, `ignored`, `rejected`, `buffered`, `unavailable`). */
export const ATTR_CPR_WEBHOOK_OUTCOME = 'cpr.webhook.outcome';
