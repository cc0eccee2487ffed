import { randomBytes } from 'node:crypto';
import type { Locale } from '@ttfd/shared';
import { Html, html } from '../pages/html';
import { layout } from '../pages/layout';
import type { PageContext } from '../pages/page-context';
import type { KeptPage } from './board-cache';
import type { LeaderboardPage, LeaderboardRow } from './leaderboard.handler';
import { leaderboardTexts } from './leaderboard.texts';

const formats = new Map<Locale, Intl.NumberFormat>();
/** Numbers as the language writes them (one formatter per language, not one per number). */
const numberFormat = (locale: Locale): Intl.NumberFormat => {
  let format = formats.get(locale);
  if (!format) formats.set(locale, (format = new Intl.NumberFormat(locale)));
  return format;
};

const linkTo = (board: string, page: number, size: number, extra = '') =>
  `/leaderboard?board=${board}&page=${page}${size === 20 ? '' : `&size=${size}`}${extra}`;

function pager(ctx: PageContext, lb: LeaderboardPage): Html {
  const t = leaderboardTexts(ctx.locale);
  const last = lb.pages;
  const link = (page: number, label: string, rel?: string) =>
    page >= 1 && page <= last && page !== lb.page
      ? rel
        ? html`<a href="${linkTo(lb.board, page, lb.size)}" rel="${rel}">${label}</a>`
        : html`<a href="${linkTo(lb.board, page, lb.size)}">${label}</a>`
      : html`<span aria-disabled="true">${label}</span>`;
  return html`<nav class="pager" aria-label="${t.pages}">
    ${link(1, t.first)} ${link(lb.page - 1, t.previous, 'prev')}
    <span class="page-of" aria-current="page">${t.pageOf(Math.min(lb.page, Math.max(last, lb.page)), last)}</span>
    ${link(lb.page + 1, t.next, 'next')} ${link(last, t.last)}
  </nav>`;
}

function row(ctx: PageContext, e: LeaderboardRow): string {
  const t = leaderboardTexts(ctx.locale);
  const number = numberFormat(ctx.locale);
  return html`<tr${e.you ? html` class="me" id="me" aria-current="true"` : ''}>
      <td>${number.format(e.position)}</td>
      <td>${
        e.userId === null
          ? html`<span class="anonymous">${t.anonymous}</span>`
          : html`<a href="/players/${e.userId}">${e.name ?? t.anonymous}</a>`
      }${e.you ? html` <strong>(${t.you})</strong>` : ''}</td>
      <td>${number.format(e.score)}</td>
    </tr>`.text;
}

/** The leaderboard: the two boards as tabs, a page of players, the viewer's row marked, "my position". */
function renderLeaderboardPage(ctx: PageContext, lb: LeaderboardPage, kept: KeptPage): string {
  const t = leaderboardTexts(ctx.locale);
  const scoreName = lb.board === 'season' ? t.seasonXp : t.xp;
  const tab = (board: 'overall' | 'season', label: string) =>
    html`<li>
      <a href="/leaderboard?board=${board}" ${lb.board === board ? html` aria-current="page"` : ''}>${label}</a>
    </li>`;
  // The rows as a visitor sees them are rendered once per language and kept with the page;
  // the viewer's own row is rendered for them.
  const visitorRows = (kept.html[ctx.locale] ??= kept.found.entries.map((e) =>
    row(ctx, { ...e, userId: e.anonymous ? null : e.userId, you: false }),
  ));
  const rows = lb.entries.map((e, i) => new Html(e.you ? row(ctx, e) : visitorRows[i]!));
  const mine = ctx.userId
    ? lb.viewer
      ? html`<p class="my-position">
          ${t.myPlace(lb.viewer.position)}
          <a id="my-position" href="${linkTo(lb.board, lb.viewer.page, lb.size, '#me')}">${t.myPosition}</a>
        </p>`
      : html`<p class="my-position">${t.notOnBoard}</p>`
    : html`<p class="my-position"><a href="/login?next=${encodeURIComponent(ctx.here)}">${t.signInForPosition}</a></p>`;
  const body = html`<h1>${t.title}</h1>
    <nav class="tabs" aria-label="${t.boards}">
      <ul>
        ${tab('overall', t.overall)}${tab('season', t.season(lb.season))}
      </ul>
    </nav>
    ${mine}
    ${
      lb.entries.length === 0
        ? html`<p>${lb.players === 0 ? t.empty : t.pastTheEnd}</p>`
        : html`<table class="board">
            <thead>
              <tr>
                <th scope="col">${t.position}</th>
                <th scope="col">${t.player}</th>
                <th scope="col">${scoreName}</th>
              </tr>
            </thead>
            <tbody>
              ${rows}
            </tbody>
          </table>`
    }
    ${lb.players > 0 ? pager(ctx, lb) : null}`;
  return layout(ctx, { title: t.title, body });
}

/**
 * Where a kept visitor page's CSRF token goes: random per process, so no name or text on a
 * page can contain it.
 */
const TOKEN_MARK = `csrf-${randomBytes(16).toString('hex')}`;

/**
 * The leaderboard page for this request. A visitor's page (nobody signed in, no notice to
 * show) is the same for every visitor but for their CSRF token: it is rendered once per
 * language and kept with the board's page, at the first address it was asked at (a page
 * asked at other addresses is rendered each time, so kept pages stay bounded), and the
 * token is put in per request.
 */
export function leaderboardPage(ctx: PageContext, lb: LeaderboardPage, kept: KeptPage): string {
  if (ctx.userId !== null || ctx.notice !== null) return renderLeaderboardPage(ctx, lb, kept);
  const page = kept.visitorPage[ctx.locale];
  if (page?.here === ctx.here) return page.parts.join(ctx.csrfToken);
  const parts = renderLeaderboardPage({ ...ctx, csrfToken: TOKEN_MARK }, lb, kept).split(TOKEN_MARK);
  if (!page) kept.visitorPage[ctx.locale] = { here: ctx.here, parts };
  return parts.join(ctx.csrfToken);
}
