import { Controller, Get, Inject, Module, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { BOARDS } from '../core/deps';
import { parseQuery } from '../core/validation';
import { pageContext } from '../pages/page-context';
import type { BoardCache } from './board-cache';
import { leaderboardQuery, showLeaderboard, type LeaderboardPage } from './leaderboard.handler';
import { leaderboardPage } from './leaderboard.page';

/** The boards, open to visitors: the page and the JSON API read the same handler. */
@Controller()
export class LeaderboardController {
  constructor(@Inject(BOARDS) private readonly boards: BoardCache) {}

  @Get('leaderboard')
  @ApiExcludeEndpoint()
  async page(@Query() query: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const request = parseQuery(leaderboardQuery, query);
    const { lb, kept } = await showLeaderboard(this.boards, request, req.user?.userId ?? null);
    res.type('html').send(leaderboardPage(pageContext(req), lb, kept));
  }

  /** `GET /api/v1/leaderboard?board=overall|season&page=N&size=N&around=me`. */
  @Get('api/v1/leaderboard')
  @ApiTags('leaderboard')
  @ApiOperation({
    summary: 'A page of the overall or season board, the viewer marked; around=me: the page holding the viewer',
  })
  @ApiQuery({ name: 'board', required: false, enum: ['overall', 'season'] })
  @ApiQuery({ name: 'page', required: false, type: Number, description: 'From 1 (default 1)' })
  @ApiQuery({ name: 'size', required: false, type: Number, description: 'Players per page, 1-100 (default 20)' })
  @ApiQuery({ name: 'around', required: false, enum: ['me'], description: 'The page holding the signed-in player' })
  @ApiResponse({ status: 200, description: 'The page, the number of pages and the viewer’s place' })
  @ApiResponse({ status: 400, description: 'A bad parameter, named in error.details' })
  async api(@Query() query: unknown, @Req() req: Request): Promise<LeaderboardPage> {
    return (await showLeaderboard(this.boards, parseQuery(leaderboardQuery, query), req.user?.userId ?? null)).lb;
  }
}

@Module({ controllers: [LeaderboardController] })
export class LeaderboardModule {}
