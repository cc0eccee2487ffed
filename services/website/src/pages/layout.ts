/**
 * The page around every page: landmarks (header, nav, main, footer), a skip link, the
 * language switch (a form, so it works without JavaScript), the CSRF token for scripts in a
 * meta tag, one stylesheet and one small script, both from /static (the CSP allows no
 * inline script or style).
 *
 *   res.send(layout(ctx, { title, body: html`...` }))
 */
import type { Locale } from '@ttfd/shared';
import { leaderboardTexts } from '../leaderboard/leaderboard.texts';
import { html, type Html } from './html';
import type { PageContext } from './page-context';

export interface PageView {
  title: string;
  body: Html;
  /** Extra `<head>` content (Open Graph tags of a player page). */
  head?: Html;
  /** Scripts from /static to load besides site.js (deferred). */
  scripts?: string[];
}

/** A hidden field carrying the CSRF token; every POST form includes it. */
export const csrfField = (ctx: PageContext): Html =>
  html`<input type="hidden" name="_csrf" value="${ctx.csrfToken}" />`;

function languageSwitch(ctx: PageContext): Html {
  const other: Locale = ctx.locale === 'ru' ? 'en' : 'ru';
  return html`<form class="language" method="post" action="/locale">
    ${csrfField(ctx)}<input type="hidden" name="locale" value="${other}" /><input
      type="hidden"
      name="back"
      value="${ctx.here}"
    />
    <button type="submit" lang="${other}" aria-label="${ctx.t.language.label}: ${ctx.t.language.switchTo}">
      ${ctx.t.language.switchTo}
    </button>
  </form>`;
}

function navigation(ctx: PageContext): Html {
  const { nav } = ctx.t;
  const links = ctx.userId
    ? html`<li><a href="/profile">${nav.profile}</a></li>
        <li><a href="/link">${nav.link}</a></li>
        <li><a href="/settings">${nav.settings}</a></li>
        <li>
          <form method="post" action="/logout">
            ${csrfField(ctx)}<button type="submit" class="link">${nav.logout}</button>
          </form>
        </li>`
    : html`<li><a href="/login">${nav.login}</a></li>
        <li><a href="/signup">${nav.signup}</a></li>`;
  return html`<nav aria-label="${ctx.t.siteName}">
    <ul>
      <li><a href="/">${nav.home}</a></li>
      <li><a href="/leaderboard">${leaderboardTexts(ctx.locale).title}</a></li>
      ${links}
    </ul>
  </nav>`;
}

/** The notice the previous request left, by its key in the texts (`accounts.passwordChanged`). */
function notice(ctx: PageContext): Html | null {
  if (!ctx.notice) return null;
  let entry: unknown = ctx.t;
  for (const part of ctx.notice.key.split('.')) entry = (entry as Record<string, unknown> | undefined)?.[part];
  // A text with parameters is a function of them, in the order the notice lists them.
  const text = typeof entry === 'function' ? String(entry(...Object.values(ctx.notice.params ?? {}))) : entry;
  if (typeof text !== 'string') return null;
  const role = ctx.notice.kind === 'error' ? 'alert' : 'status';
  return html`<p class="notice notice-${ctx.notice.kind}" role="${role}">${text}</p>`;
}

export function layout(ctx: PageContext, view: PageView): string {
  const scripts = ['/static/site.js', ...(view.scripts ?? [])];
  return `<!doctype html>\n${
    html`<html lang="${ctx.locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="csrf-token" content="${ctx.csrfToken}" />
        <title>${view.title} · ${ctx.t.siteName}</title>
        <link rel="stylesheet" href="/static/site.css" />
        ${view.head} ${scripts.map((src) => html`<script src="${src}" defer></script>`)}
      </head>
      <body>
        <a class="skip" href="#main">${ctx.t.skipToContent}</a>
        <header class="site">
          <a class="brand" href="/">${ctx.t.siteName}</a>${navigation(ctx)}${languageSwitch(ctx)}
        </header>
        <main id="main" tabindex="-1">${notice(ctx)} ${view.body}</main>
        <footer class="site"><p>${ctx.t.siteName}</p></footer>
      </body>
    </html>`.text
  }\n`;
}
