import type { Request, RequestHandler, Response } from 'express';

/**
 * An async route handler whose failure goes to the error handler. Express 5 does this itself;
 * Express 4, which the package also supports (a peer dependency), would leave the request
 * hanging and the rejection unhandled.
 */
export function handled(handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res, next) => void handler(req, res).catch(next);
}
