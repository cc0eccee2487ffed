/**
 * CSRF: every request that is not GET, HEAD or OPTIONS carries the session's token, as the
 * `_csrf` form field or the `X-CSRF-Token` header (the JSON API: read it from `GET
 * /api/v1/me` or the page's `<meta name="csrf-token">`). Compared in constant time.
 */
import { timingSafeEqual } from 'node:crypto';
import { HttpStatus, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { WebsiteError } from './errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfTokenMatches(expected: string | undefined, given: unknown): boolean {
  if (typeof expected !== 'string' || typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

@Injectable()
export class CsrfMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    if (SAFE_METHODS.has(req.method)) return next();
    const body = req.body as Record<string, unknown> | undefined;
    const given = req.get('x-csrf-token') ?? body?._csrf;
    if (!csrfTokenMatches(req.session?.csrfToken, given)) {
      throw new WebsiteError(
        'csrf_failed',
        'The form has expired or did not come from this site; reload the page and try again',
        HttpStatus.FORBIDDEN,
      );
    }
    next();
  }
}
