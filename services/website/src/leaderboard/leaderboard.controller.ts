import { Controller, Get, Inject, Module, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { POOL } from '../core/deps';
import { parseQuery } from '../core/validation';
import { pageContext } from '../pages/page-context';
import { leaderboardQuery, showLeaderboard, type LeaderboardPage } from './leaderboard.handler';
import { renderLeaderboardPage } from './leaderboard.page';

/** The boards, open to visitors: the page and the JSON API read the same handler. */
@Controller()
export class LeaderboardController {
  constructor(@Inject(POOL) private readonly pool: Pool) {}

  @Get('leaderboard')
  async page(@Query() query: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const request = parseQuery(leaderboardQuery, query);
    const lb = await showLeaderboard(this.pool, request, req.user?.userId ?? null);
    res.type('html').send(renderLeaderboardPage(pageContext(req), lb));
  }

  /** `GET /api/v1/leaderboard?board=overall|season&page=N&size=N&around=me`. */
  @Get('api/v1/leaderboard')
  api(@Query() query: unknown, @Req() req: Request): Promise<LeaderboardPage> {
    return showLeaderboard(this.pool, parseQuery(leaderboardQuery, query), req.user?.userId ?? null);
  }
}

@Module({ controllers: [LeaderboardController] })
export class LeaderboardModule {}
