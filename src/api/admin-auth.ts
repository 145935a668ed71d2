import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AuthenticationError } from '../errors.js';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Middleware requiring `Authorization: Bearer <token>`. The comparison runs in constant time on
 * SHA-256 digests (equal lengths whatever the input), so timing reveals nothing of the token.
 */
export function adminAuth({ token }: { token: string }) {
  const expected = digest(token);
  return function requireAdminToken(req: Request, res: Response, next: NextFunction): void {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (match !== null && timingSafeEqual(digest(match[1]), expected)) return next();
    res.set('WWW-Authenticate', 'Bearer');
    next(new AuthenticationError(
      match === null
        ? 'Missing admin token: send "Authorization: Bearer <token>" (the value of CPR_ADMIN_TOKEN).'
        : 'Invalid admin token.',
    ));
  };
}
