/**
 * CSRF: every request that is not GET, HEAD or OPTIONS carries its token, as the `_csrf`
 * form field or the `X-CSRF-Token` header (the JSON API: read it from `GET /api/v1/me` or
 * the page's `<meta name="csrf-token">`). Compared in constant time.
 *
 * A signed-in player's token lives in their session. A visitor's lives in a cookie of its
 * own (`ttfd.csrf`: the token and its HMAC under the session secret; HttpOnly,
 * SameSite=Lax, Secure as the session cookie is), so showing a page to a visitor writes
 * nothing to the database, and a cookie set by anyone without the secret is refused.
 * Pages read the token with `req.csrfToken()`, made on first use.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { HttpStatus, Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { WebsiteConfig } from '../config';
import { CONFIG } from './deps';
import { WebsiteError } from './errors';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The token this request's forms carry (set by CsrfMiddleware). */
      csrfToken?: () => string;
    }
  }
}

export const CSRF_COOKIE = 'ttfd.csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfTokenMatches(expected: string | undefined, given: unknown): boolean {
  if (typeof expected !== 'string' || typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The session's CSRF token, made on first use (signed-in players). */
function sessionToken(req: Request): string {
  req.session.csrfToken ??= randomBytes(32).toString('base64url');
  return req.session.csrfToken;
}

const signatureOf = (secret: string, token: string) =>
  createHmac('sha256', secret).update(`csrf:${token}`).digest('base64url');

/** Visitors' cookies whose signature held, and their tokens: a returning visitor's HMAC is not computed again. */
const VERIFIED_MOST = 10_000;

/** The visitor's token from their cookie, when its signature holds; undefined otherwise. */
function cookieToken(req: Request, secret: string, verified: Map<string, string>): string | undefined {
  let value: string | undefined;
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const pair = part.trim();
    if (pair.startsWith(`${CSRF_COOKIE}=`)) value = pair.slice(CSRF_COOKIE.length + 1);
  }
  if (value === undefined) return undefined;
  const known = verified.get(value);
  if (known !== undefined) return known;
  const dot = value.indexOf('.');
  if (dot === -1) return undefined;
  const token = value.slice(0, dot);
  if (!csrfTokenMatches(signatureOf(secret, token), value.slice(dot + 1))) return undefined;
  if (verified.size >= VERIFIED_MOST) verified.delete(verified.keys().next().value!);
  verified.set(value, token);
  return token;
}

@Injectable()
export class CsrfMiddleware implements NestMiddleware {
  private readonly secure: boolean;
  private readonly verified = new Map<string, string>();

  constructor(@Inject(CONFIG) private readonly config: WebsiteConfig) {
    this.secure = config.PUBLIC_URL.startsWith('https://');
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const signedIn = req.session?.userId !== undefined;
    let token: string | undefined;
    req.csrfToken = () => {
      if (token !== undefined) return token;
      if (signedIn) return (token = sessionToken(req));
      token = cookieToken(req, this.config.SESSION_SECRET, this.verified);
      if (token === undefined) {
        token = randomBytes(32).toString('base64url');
        // As with the session cookie: over plain HTTP to an HTTPS site, no cookie rather than an insecure one.
        if (this.secure && !req.secure) return token;
        res.cookie(CSRF_COOKIE, `${token}.${signatureOf(this.config.SESSION_SECRET, token)}`, {
          httpOnly: true,
          sameSite: 'lax',
          secure: this.secure,
          path: '/',
        });
      }
      return token;
    };
    if (SAFE_METHODS.has(req.method)) return next();
    const body = req.body as Record<string, unknown> | undefined;
    const given = req.get('x-csrf-token') ?? body?._csrf;
    const expected = signedIn ? req.session.csrfToken : cookieToken(req, this.config.SESSION_SECRET, this.verified);
    if (!csrfTokenMatches(expected, given)) {
      throw new WebsiteError(
        'csrf_failed',
        'The form has expired or did not come from this site; reload the page and try again',
        HttpStatus.FORBIDDEN,
      );
    }
    next();
  }
}
