import type { Request } from 'express';
import { LOCALES, type Locale } from '@ttfd/shared';

/** The best of our languages for an Accept-Language header; Russian when none matches. */
export function localeOfAcceptLanguage(header: string | undefined): Locale {
  if (!header) return 'ru';
  const ranked = header
    .split(',')
    .map((part, order) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { lang: tag.trim().toLowerCase().split('-')[0], weight: Number.isFinite(weight) ? weight : 0, order };
    })
    .filter((entry) => entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.order - b.order);
  const best = ranked.find((entry) => (LOCALES as readonly string[]).includes(entry.lang ?? ''));
  return (best?.lang as Locale | undefined) ?? 'ru';
}

/** The language a request is answered in: the switch remembered in the session, else the browser's. */
export function localeOf(req: Request): Locale {
  return req.session?.locale ?? localeOfAcceptLanguage(req.get('accept-language'));
}
