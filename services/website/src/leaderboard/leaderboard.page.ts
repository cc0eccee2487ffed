import { html, type Html } from '../pages/html';
import { layout } from '../pages/layout';
import type { PageContext } from '../pages/page-context';
import type { LeaderboardPage } from './leaderboard.handler';
import { leaderboardTexts } from './leaderboard.texts';

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

/** The leaderboard: the two boards as tabs, a page of players, the viewer's row marked, "my position". */
export function renderLeaderboardPage(ctx: PageContext, lb: LeaderboardPage): string {
  const t = leaderboardTexts(ctx.locale);
  const scoreName = lb.board === 'season' ? t.seasonXp : t.xp;
  const tab = (board: 'overall' | 'season', label: string) =>
    html`<li>
      <a href="/leaderboard?board=${board}" ${lb.board === board ? html` aria-current="page"` : ''}>${label}</a>
    </li>`;
  const rows = lb.entries.map(
    (e) => html`<tr${e.you ? html` class="me" id="me" aria-current="true"` : ''}>
      <td>${e.position.toLocaleString(ctx.locale)}</td>
      <td>${
        e.userId === null
          ? html`<span class="anonymous">${t.anonymous}</span>`
          : html`<a href="/players/${e.userId}">${e.name ?? t.anonymous}</a>`
      }${e.you ? html` <strong>(${t.you})</strong>` : ''}</td>
      <td>${e.score.toLocaleString(ctx.locale)}</td>
    </tr>`,
  );
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
