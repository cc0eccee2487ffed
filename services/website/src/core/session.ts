/**
 * Sessions in PostgreSQL (connect-pg-simple over the `website_sessions` table the
 * migrations create): every replica reads the same sessions. The cookie is HttpOnly,
 * SameSite=Lax, and Secure whenever the site's public URL is HTTPS (behind a proxy, set
 * TRUST_PROXY so the site sees the original scheme).
 */
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import type { NextFunction, Request, Response } from 'express';
import type { Pool } from 'pg';
import { liveAccountSql, USER_ID, type Locale } from '@ttfd/shared';
import type { WebsiteConfig } from '../config';

export const SESSION_COOKIE = 'ttfd.sid';
export const SESSION_MAX_AGE_MS = 30 * 24 * 60 * 60_000;

declare module 'express-session' {
  /** What a session holds. */
  interface SessionData {
    /** The signed-in account (a unified user id), absent for visitors. */
    userId?: string;
    /** A signed-in player's synchronizer token (core/csrf.ts; visitors' is in a cookie). */
    csrfToken?: string;
    /** The language chosen with the switch; Accept-Language decides until then. */
    locale?: Locale;
    /** When the player last proved their password (or Discord login), for privacy actions. */
    authenticatedAt?: number;
    /** The open Discord OAuth2 flow: its state (single use), what it is for, when it began. */
    discordOAuth?: {
      state: string;
      purpose: 'login' | 'link';
      linkedRoles: boolean;
      startedAt: number;
      /** For 'link': the account that started it (only it may finish it). */
      userId?: string;
    };
    /** The open Telegram Login Widget flow's nonce from the identity domain. */
    telegramLogin?: { sessionNonce: string; expiresAt: number };
    /** A link waiting for this session's confirmation (its token from the identity domain). */
    pendingConfirmation?: {
      confirmToken: string;
      expiresAt: number;
      /** What the confirmation page names: the other account (masked), whose account stays, the totals after. */
      other: { identities: { platform: string; shown: string }[]; names: string[] };
      keeps: 'yours' | 'theirs';
      after: { xp: number; coins: number } | null;
    };
    /** One message to show on the next page (after a redirect). */
    notice?: { kind: 'ok' | 'error'; key: string; params?: Record<string, string | number> };
  }
}

export interface SessionStore {
  middleware: ReturnType<typeof session>;
  /** Stops the store's pruning timer. */
  close(): void;
}

/**
 * The store's read of a session, with its account followed through merges: `account` is the
 * live account the session signs in (an account merged on another platform signs in as the
 * account it joined), null when it has none any more (deleted). A named statement: parsed
 * and planned once per connection, one round trip per signed-in request.
 */
export const READ_SESSION_SQL = `
SELECT s.sess, account.id::text AS account
FROM website_sessions s
LEFT JOIN LATERAL (${liveAccountSql(
  `CASE WHEN s.sess->>'userId' ~ '${USER_ID.source}' THEN (s.sess->>'userId')::bigint END`,
)}) live ON true
LEFT JOIN unified_users account ON account.id = live.id AND account.erased_at IS NULL
WHERE s.sid = $1 AND s.expire >= now()`;

export function createSessionStore(config: WebsiteConfig, pool: Pool): SessionStore {
  const PgStore = connectPgSimple(session);
  class Store extends PgStore {
    override get(sid: string, done: (err: unknown, session?: session.SessionData | null) => void): void {
      pool
        .query<{ sess: session.SessionData; account: string | null }>({
          name: 'read-session',
          text: READ_SESSION_SQL,
          values: [sid],
        })
        .then(
          ({ rows }) => {
            const row = rows[0];
            if (!row) return done(null, null);
            // The live account, as read; the stored id is rewritten when the session is next saved.
            if (row.account === null) delete row.sess.userId;
            else row.sess.userId = row.account;
            done(null, row.sess);
          },
          (err: unknown) => done(err),
        );
    }
  }
  const store = new Store({
    pool,
    tableName: 'website_sessions',
    createTableIfMissing: false,
    pruneSessionInterval: 15 * 60,
    // The cookie's expiry is fixed at sign-in (rolling: false), so the stored expiry is too:
    // no UPDATE of the session row (and its WAL flush) on every page view.
    disableTouch: true,
    errorLog: () => undefined,
  });
  const secure = config.PUBLIC_URL.startsWith('https://');
  const middleware = session({
    name: SESSION_COOKIE,
    secret: config.SESSION_SECRET,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    proxy: config.TRUST_PROXY !== false,
    cookie: { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_MAX_AGE_MS },
  });
  return { middleware, close: () => store.close() };
}

/**
 * A redirect waits until the session this request changed is saved. express-session would
 * otherwise send the redirect's headers first and save after, and a browser that follows a
 * 303 as soon as its headers come could ask for the next page before the session holds the
 * change: the language just chosen, a notice, a link's outcome.
 */
export function saveSessionBeforeRedirect(req: Request, res: Response, next: NextFunction): void {
  if (!req.session) return next();
  const before = JSON.stringify(req.session);
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    if (!req.session || JSON.stringify(req.session) === before) return redirect(...args);
    req.session.save((err) => (err ? next(err) : redirect(...args)));
  }) as Response['redirect'];
  next();
}

/**
 * A fresh session id for a sign-in (no fixation): the old session's language is kept, its
 * flows are not, and a new CSRF token is made.
 */
export function startSignedInSession(req: Request, userId: string, now: Date): Promise<void> {
  const locale = req.session.locale;
  return new Promise((resolve, reject) => {
    req.session.regenerate((err) => {
      if (err) return reject(err instanceof Error ? err : new Error(String(err)));
      req.session.userId = userId;
      req.session.authenticatedAt = now.getTime();
      if (locale) req.session.locale = locale;
      req.session.save((saveErr) =>
        saveErr ? reject(saveErr instanceof Error ? saveErr : new Error(String(saveErr))) : resolve(),
      );
    });
  });
}

export function endSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.destroy((err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve())),
  );
}
