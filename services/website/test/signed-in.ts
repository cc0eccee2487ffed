/**
 * A signed-in browser without going through a sign-in form: a session row as the PostgreSQL
 * session store writes it, and its cookie signed as express-session signs it. For tests of
 * pages behind sign-in that are not about signing in.
 */
import { createHmac, randomBytes } from 'node:crypto';
import request from 'supertest';
import { SESSION_COOKIE } from '../src/core/session';
import type { TestWebsite } from './harness';

export interface SignedIn {
  browser: ReturnType<typeof request.agent>;
  /** The session's CSRF token. */
  csrf: string;
  /** The Cookie header value, for clients other than supertest. */
  cookie: string;
  sid: string;
}

export async function signedInAs(site: TestWebsite, userId: string, locale: 'en' | 'ru' = 'en'): Promise<SignedIn> {
  const sid = randomBytes(18).toString('base64url');
  const csrf = randomBytes(32).toString('base64url');
  const expires = new Date(Date.now() + 3_600_000);
  const sess = {
    cookie: { originalMaxAge: 3_600_000, expires: expires.toISOString(), httpOnly: true, path: '/', sameSite: 'lax' },
    userId,
    csrfToken: csrf,
    locale,
    authenticatedAt: Date.now(),
  };
  await site.db.pool.query(`INSERT INTO website_sessions (sid, sess, expire) VALUES ($1, $2, $3)`, [
    sid,
    sess,
    expires,
  ]);
  const signature = createHmac('sha256', site.config.SESSION_SECRET).update(sid).digest('base64').replace(/=+$/, '');
  const cookie = `${SESSION_COOKIE}=${encodeURIComponent(`s:${sid}.${signature}`)}`;
  const browser = request.agent(site.url);
  browser.set('Cookie', cookie);
  return { browser, csrf, cookie, sid };
}
