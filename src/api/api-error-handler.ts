import type { NextFunction, Request, Response } from 'express';
import { CprError, PayloadTooLargeError, ValidationError, toErrorBody } from '../errors.js';

/** The shape of body-parser's errors (`http-errors`). */
interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/**
 * The router's one error handler: maps any error to its status and the OpenAI-style
 * `{ "error": { "message", "type", ... } }` body. Errors of the body parser become a 413
 * (too large) or a 400; anything unknown becomes a 500 without internals.
 */
export function apiErrorHandler() {
  return function handleApiError(error: unknown, req: Request, res: Response, next: NextFunction): void {
    if (res.headersSent) return next(error);
    const mapped = error instanceof CprError ? error : fromBodyParser(error as BodyParserError);
    const { status, body } = toErrorBody(mapped);
    res.status(status).json(body);
  };
}

function fromBodyParser(error: BodyParserError): unknown {
  if (error?.type === 'entity.too.large') return new PayloadTooLargeError(error.limit ?? 0);
  if (typeof error?.status === 'number' && error.status >= 400 && error.status < 500) {
    return new ValidationError(`Unreadable request body (${error.type ?? 'bad request'}).`);
  }
  return error;
}
