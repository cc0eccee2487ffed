import { Controller, Get, HttpStatus, Inject, Module, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import type { Logger } from '@ttfd/shared';
import { CurrentPlayer, SignedInGuard } from '../core/current-player';
import { LIVE, LOG, POOL } from '../core/deps';
import { WebsiteError } from '../core/errors';
import type { LiveHub } from './live-hub';
import { isEventSeq, openLiveStream } from './live-stream';

/** A comment line this often keeps proxies (nginx: 60 s idle) from closing a quiet stream. */
export const HEARTBEAT_MS = 20_000;
/** What an unread stream may hold back before the browser is told to resume (a few hundred updates). */
export const MAX_QUEUED_BYTES = 1024 * 1024;
/** Updates read back from the log on resume; past this the page reloads instead. */
export const RESUME_LIMIT = 500;

@Controller('api/v1/me')
@UseGuards(SignedInGuard)
export class LiveController {
  constructor(
    @Inject(POOL) private readonly pool: Pool,
    @Inject(LIVE) private readonly hub: LiveHub,
    @Inject(LOG) private readonly log: Logger,
  ) {}

  /**
   * The signed-in player's live updates as server-sent events. The browser's
   * `Last-Event-ID` (or, on a first connection, the page's `?after=`) resumes from the
   * event log.
   */
  @Get('events')
  @ApiTags('live')
  @ApiCookieAuth()
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary: "The signed-in player's live updates as server-sent events (event: update, id: the event's number)",
    description:
      'Resumes after the Last-Event-ID header (or ?after=) from the event log. A comment line every 20 s; ' +
      '`event: overflow` then the end of the stream when the client reads too slowly (reconnect to resume); ' +
      '`event: reload` when too far behind to resume.',
  })
  @ApiQuery({ name: 'after', required: false, description: 'The newest event number the page shows' })
  @ApiResponse({ status: 200, description: 'The stream' })
  @ApiResponse({ status: 401, description: 'Not signed in' })
  events(
    @CurrentPlayer() userId: string,
    @Query('after') afterParam: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): void {
    const after = req.get('last-event-id') ?? (typeof afterParam === 'string' ? afterParam : undefined) ?? null;
    if (after !== null && !isEventSeq(after)) {
      throw new WebsiteError('bad_request', 'Last-Event-ID and after must be an event number', HttpStatus.BAD_REQUEST, [
        { path: 'after', message: 'must be an event number' },
      ]);
    }
    openLiveStream(req, res, {
      pool: this.pool,
      hub: this.hub,
      log: this.log,
      userId,
      after,
      heartbeatMs: HEARTBEAT_MS,
      maxQueuedBytes: MAX_QUEUED_BYTES,
      resumeLimit: RESUME_LIMIT,
    });
  }
}

@Module({ controllers: [LiveController] })
export class LiveModule {}
