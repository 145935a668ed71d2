/**
 * cpr-meter's errors: one small hierarchy. Each has a literal `name`, the HTTP `status` and
 * OpenAI-style error `type` it is answered with, optional context fields and a `cause`.
 * {@link toErrorBody} turns any of them into the one JSON error shape the HTTP app answers with.
 */
export class CprError extends Error {
  override name: string = 'CprError';
  /** HTTP status this error is answered with. */
  readonly status: number = 500;
  /** The `error.type` of the JSON answer, as OpenAI clients expect it. */
  readonly type: string = 'server_error';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Missing or invalid configuration: says what to set. */
export class ConfigError extends CprError {
  override name = 'ConfigError' as const;
  override readonly status = 500;
  override readonly type = 'configuration_error';
  /** The option (and environment variable) at fault. */
  readonly option: string | undefined;

  constructor(message: string, options: { option?: string; cause?: unknown } = {}) {
    super(message, options);
    this.option = options.option;
  }
}

/** A request or event that does not pass validation. */
export class ValidationError extends CprError {
  override name = 'ValidationError' as const;
  override readonly status = 400;
  override readonly type = 'invalid_request_error';
  /** The field at fault, as a dotted path, when known. */
  readonly field: string | null;
  /** The position of the bad item in a batch, when known. */
  readonly index: number | null;

  constructor(message: string, options: { field?: string | null; index?: number | null; cause?: unknown } = {}) {
    super(message, options);
    this.field = options.field ?? null;
    this.index = options.index ?? null;
  }
}

/** A request body larger than the configured limit. */
export class PayloadTooLargeError extends CprError {
  override name = 'PayloadTooLargeError' as const;
  override readonly status = 413;
  override readonly type = 'invalid_request_error';
  readonly limitBytes: number;

  /** `message` replaces the default one, which names `limitBytes` and `CPR_MAX_BODY_BYTES`. */
  constructor(limitBytes: number, message?: string) {
    super(message ?? `Request body exceeds the limit of ${limitBytes} bytes (set CPR_MAX_BODY_BYTES to change it).`);
    this.limitBytes = limitBytes;
  }
}

/**
 * The server refuses a request to protect itself (503), e.g. the request bodies held in memory
 * at once would pass `--max-body-memory-bytes`. `code` says which limit; the client may retry.
 */
export class OverloadedError extends CprError {
  override name = 'OverloadedError' as const;
  override readonly status = 503;
  override readonly type = 'server_error';
  readonly code: string;

  constructor(message: string, options: { code: string; cause?: unknown }) {
    super(message, options);
    this.code = options.code;
  }
}

/** A client stopped sending its request body for longer than `--body-timeout-ms` (408). */
export class RequestTimeoutError extends CprError {
  override name = 'RequestTimeoutError' as const;
  override readonly status = 408;
  override readonly type = 'invalid_request_error';
  readonly code = 'request_body_timeout';
}

/** A missing or wrong token. */
export class AuthenticationError extends CprError {
  override name = 'AuthenticationError' as const;
  override readonly status = 401;
  override readonly type = 'authentication_error';
}

/** A ticket the ledger knows nothing of (`GET /api/tickets/:id`, `cpr-meter ticket ID`). */
export class TicketNotFoundError extends CprError {
  override name = 'TicketNotFoundError' as const;
  override readonly status = 404;
  override readonly type = 'not_found_error';
  readonly ticketId: string;

  constructor(message: string, { ticketId }: { ticketId: string }) {
    super(message);
    this.ticketId = ticketId;
  }
}

/** The upstream LLM API could not be reached or did not answer in time. */
export class UpstreamError extends CprError {
  override name = 'UpstreamError' as const;
  override readonly status: number;
  override readonly type = 'upstream_error';
  /** Machine-readable reason: `upstream_unreachable`, `upstream_timeout`. */
  readonly code: string;
  readonly upstreamUrl: string;

  constructor(message: string, options: { code: string; upstreamUrl: string; status?: number; cause?: unknown }) {
    super(message, options);
    this.code = options.code;
    this.upstreamUrl = options.upstreamUrl;
    this.status = options.status ?? 502;
  }
}

/** The ledger could not be opened or written. */
export class LedgerError extends CprError {
  override name = 'LedgerError' as const;
  override readonly status = 503;
  override readonly type = 'ledger_error';
  readonly path: string | undefined;
  /** A machine-readable reason, e.g. `LEDGER_FILE_MISSING`; `undefined` when the cause says it. */
  readonly code: string | undefined;

  constructor(message: string, options: { path?: string; code?: string; cause?: unknown } = {}) {
    super(message, options);
    this.path = options.path;
    this.code = options.code;
  }
}

/** The JSON error body every HTTP answer of cpr-meter's own uses. */
export interface ErrorBody {
  error: { message: string; type: string; code?: string | null; param?: string | null; [extra: string]: unknown };
}

/** Maps any thrown value to an HTTP status and the JSON error body. Unknown errors become a 500 without internals. */
export function toErrorBody(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof ValidationError) {
    return {
      status: error.status,
      body: { error: { message: error.message, type: error.type, param: error.field, field: error.field, index: error.index } },
    };
  }
  if (error instanceof UpstreamError || error instanceof OverloadedError || error instanceof RequestTimeoutError) {
    return { status: error.status, body: { error: { message: error.message, type: error.type, code: error.code } } };
  }
  if (error instanceof CprError) {
    return { status: error.status, body: { error: { message: error.message, type: error.type } } };
  }
  return { status: 500, body: { error: { message: 'Internal error in cpr-meter.', type: 'server_error' } } };
}
