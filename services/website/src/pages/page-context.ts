import type { Request } from 'express';
import type { Locale } from '@ttfd/shared';
import { localeOf } from '../core/locale';
import { textsFor, type Texts } from '../texts';

/** What every page needs from its request: language, who is signed in, the CSRF token, where it is. */
export interface PageContext {
  locale: Locale;
  t: Texts;
  /** The signed-in player's account id, or null for a visitor. */
  userId: string | null;
  csrfToken: string;
  /** The path and query of this page (the language switch returns here). */
  here: string;
  /** A notice left by the previous request (after a redirect), shown once. */
  notice: { kind: 'ok' | 'error'; key: string; params?: Record<string, string | number> } | null;
}

export function pageContext(req: Request): PageContext {
  const locale = localeOf(req);
  const notice = req.session?.notice ?? null;
  if (notice) delete req.session.notice;
  return {
    locale,
    t: textsFor(locale),
    userId: req.user?.userId ?? null,
    csrfToken: req.csrfToken?.() ?? '',
    here: req.originalUrl,
    notice,
  };
}
