import type { Operation, Provider, Usage } from '../usage/types.js';
import type { UnitPrices } from '../pricing/types.js';
import type { CostSource } from '../pricing/price-call.js';

/** How a call ended: `ok` (a 2xx answer read to its end), `error` (upstream or network failure), `aborted` (the client left first). */
export type CallStatus = 'ok' | 'error' | 'aborted';

/** Where a call was seen: the proxy, a wrapped SDK client, or the AI SDK middleware. */
export type CallSource = 'proxy' | 'wrapper' | 'ai-sdk';

/**
 * One LLM call, as stored in the ledger. Never holds prompt or completion text, nor credentials.
 */
export interface LlmCall {
  /** Unique id, also sent to the client as `x-cpr-call-id`. */
  id: string;
  /** Request start, milliseconds since the epoch. */
  startedAt: number;
  /** Conversation the call belongs to; `null` when unattributed. */
  conversationId: string | null;
  /** Ticket named with the call (`x-cpr-ticket-id`), if any. */
  ticketId: string | null;
  /** The wire format (`openai`, `anthropic`, `gemini`). */
  provider: Provider;
  /**
   * The proxy's upstream that served the call, by its name (`--upstream name=url`: `openai`,
   * `groq`, `anthropic`...); `null` for calls recorded in process, and rows recorded before it was kept.
   */
  upstream?: string | null;
  /**
   * The company whose API served the call (`openai`, `groq`, `openrouter`...; a
   * `@pydantic/genai-prices` provider id or the one set with `--upstream-provider`); `null` when
   * not known (a local upstream, a row recorded before it was kept).
   */
  upstreamProvider?: string | null;
  operation: Operation;
  requestModel: string | null;
  responseModel: string | null;
  /** `null` when neither the provider nor an estimate gave any usage. */
  usage: Usage | null;
  /**
   * USD: the provider's own figure when it reported one (`costSource: 'provider'`), else the cost
   * computed from the usage; `null` when neither is known (the call is *unpriced*).
   */
  costUsd: number | null;
  /** The cost computed from the usage and the prices, kept beside a provider's figure; `null` when unpriced. */
  computedCostUsd?: number | null;
  /** `provider` or `computed`; `null` when unpriced (and on rows recorded before it was kept). */
  costSource?: CostSource | null;
  /** The unit prices the cost was computed with; `null` when unpriced. */
  prices: UnitPrices | null;
  status: CallStatus;
  /** HTTP status of the upstream answer; `null` when none arrived. */
  httpStatus: number | null;
  /** A short machine-readable reason when `status` is not `ok` (e.g. `rate_limit_error`, `upstream_unreachable`, `client_disconnected`). */
  errorType: string | null;
  /** True when usage was estimated with a tokenizer because the provider reported none. */
  estimated: boolean;
  streamed: boolean;
  /** Milliseconds from request start to the end of the response. */
  latencyMs: number | null;
  /** Milliseconds from request start to the first streamed chunk (streams only). */
  timeToFirstChunkMs: number | null;
  /** The upstream's request id header (`x-request-id` / `request-id`). */
  upstreamRequestId: string | null;
  /** The response's own id (`chatcmpl-…`, `resp_…`, `msg_…`). */
  responseId: string | null;
  /** Finish / stop reasons reported by the provider. */
  finishReasons: string[];
  source: CallSource;
}
