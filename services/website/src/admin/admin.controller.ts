import {
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Module,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiCookieAuth,
  ApiExcludeEndpoint,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import type { DeadEventRow, Wake } from '@ttfd/shared';
import { NOW, POOL, WAKE } from '../core/deps';
import { WebsiteError } from '../core/errors';
import { parseParams, parseQuery } from '../core/validation';
import { pageContext } from '../pages/page-context';
import { z } from 'zod';
import { AdminGuard } from './admin.guard';
import {
  deadEventsQuery,
  eventIdParam,
  replayDeadEvent,
  showDeadEvents,
  showEventsOverview,
  type EventsOverview,
} from './admin.handler';
import { renderAdminPage } from './admin.page';

const idParams = z.object({ id: eventIdParam });
const pageQuery = z.object({ replayed: z.enum(['1', '0']).optional() }).strict();

/** The event pipeline for the configured admins: the page and its JSON API. */
@Controller()
@UseGuards(AdminGuard)
@ApiTags('admin')
@ApiCookieAuth()
@ApiResponse({ status: 401, description: 'Not signed in' })
@ApiResponse({ status: 403, description: 'Not one of the configured admins (ADMIN_EMAILS)' })
export class AdminController {
  constructor(
    @Inject(POOL) private readonly pool: Pool,
    @Inject(WAKE) private readonly wake: Wake,
    @Inject(NOW) private readonly now: () => Date,
  ) {}

  @Get('admin')
  @ApiExcludeEndpoint()
  async page(@Query() query: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { replayed } = parseQuery(pageQuery, query);
    const [overview, dead] = await Promise.all([showEventsOverview(this.pool), showDeadEvents(this.pool, 50)]);
    const outcome = replayed === '1' ? 'replayed' : replayed === '0' ? 'not-dead' : null;
    res.type('html').send(renderAdminPage(pageContext(req), overview, dead, this.now(), outcome));
  }

  /** The replay button: a form post (CSRF-checked like every post), then back to the page. */
  @Post('admin/events/:id/replay')
  @ApiExcludeEndpoint()
  async replayForm(@Param() params: unknown, @Res() res: Response): Promise<void> {
    const { id } = parseParams(idParams, params);
    const replayed = await replayDeadEvent(this.pool, this.wake, id);
    res.redirect(303, `/admin?replayed=${replayed ? 1 : 0}`);
  }

  @Get('api/v1/events/stats')
  @ApiOperation({
    summary:
      'Pending, retrying and dead events, the oldest pending age, and lag percentiles per minute over the last hour',
  })
  stats(): Promise<EventsOverview> {
    return showEventsOverview(this.pool);
  }

  @Get('api/v1/events/dead')
  @ApiOperation({ summary: 'The most recent dead letters with their errors, newest first' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1-500 (default 50)' })
  async dead(@Query() query: unknown): Promise<{ events: DeadEventRow[] }> {
    const { limit } = parseQuery(deadEventsQuery, query);
    return { events: await showDeadEvents(this.pool, limit) };
  }

  @Post('api/v1/events/:id/replay')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Returns a dead letter to the queue with a fresh attempt budget (X-CSRF-Token required)' })
  @ApiParam({ name: 'id', description: 'The event id (uuid)' })
  @ApiResponse({ status: 404, description: 'No dead event with that id' })
  async replay(@Param() params: unknown): Promise<{ id: string; replayed: true }> {
    const { id } = parseParams(idParams, params);
    if (!(await replayDeadEvent(this.pool, this.wake, id))) {
      throw new WebsiteError('not_found', 'No dead event with that id', HttpStatus.NOT_FOUND);
    }
    return { id, replayed: true };
  }
}

@Module({ controllers: [AdminController], providers: [AdminGuard] })
export class AdminModule {}
