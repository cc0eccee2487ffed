import { Controller, Get, Inject, Module, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { findAnonymousPlayers, findLeaderboard, type Leaderboard } from '@ttfd/shared';
import { POOL } from '../core/deps';
import { html } from '../pages/html';
import { layout } from '../pages/layout';
import { pageContext, type PageContext } from '../pages/page-context';

function homePage(ctx: PageContext, top: Leaderboard, anonymous: Set<string>): string {
  const { home } = ctx.t;
  const rows = top.entries.map((entry) => {
    const me = entry.userId === ctx.userId;
    const who =
      anonymous.has(entry.userId) && !me
        ? home.anonymous
        : html`<a href="/players/${entry.userId}">${entry.name ?? home.anonymous}</a>`;
    return html`<tr${me ? html` class="me" aria-current="true"` : ''}>
      <td>${entry.position}</td><td>${who}</td><td>${entry.score}</td></tr>`;
  });
  return layout(ctx, {
    title: home.title,
    body: html`<h1>${home.title}</h1>
      <p class="lead">${home.lead}</p>
      <section aria-labelledby="top-heading">
        <h2 id="top-heading">${home.top}</h2>
        ${
          rows.length === 0
            ? html`<p>${home.nobody}</p>`
            : html`<table class="board">
                <thead>
                  <tr>
                    <th scope="col">${home.position}</th>
                    <th scope="col">${home.player}</th>
                    <th scope="col">${home.xp}</th>
                  </tr>
                </thead>
                <tbody>
                  ${rows}
                </tbody>
              </table>`
        }
      </section>`,
  });
}

@Controller()
export class HomeController {
  constructor(@Inject(POOL) private readonly pool: Pool) {}

  @Get()
  async home(@Req() req: Request, @Res() res: Response): Promise<void> {
    const ctx = pageContext(req);
    const top = await findLeaderboard(this.pool, { board: 'overall', viewerId: ctx.userId, limit: 10 });
    const anonymous = await findAnonymousPlayers(
      this.pool,
      top.entries.map((e) => e.userId),
    );
    res.type('html').send(homePage(ctx, top, anonymous));
  }
}

@Module({ controllers: [HomeController] })
export class HomeModule {}
