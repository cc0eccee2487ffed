/** The signed-in player's profile and every player's public page. */
import { Controller, Get, HttpStatus, Inject, Module, Param, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import { findLatestLiveSeq, findPrivacy, findProfile } from '@ttfd/shared';
import { POOL } from '../core/deps';
import { CurrentPlayer, SignedInGuard } from '../core/current-player';
import { WebsiteError } from '../core/errors';
import { parseParams } from '../core/validation';
import { pageContext } from '../pages/page-context';
import { playerPage, profilePage } from './profile.pages';

export const userIdParam = z.object({ id: z.string().regex(/^[1-9][0-9]{0,18}$/, 'must be an account id') });

/** Whether a player's public page is hidden from this viewer (never from the player themself). */
export async function isHiddenFrom(pool: Pool, userId: string, viewerId: string | undefined): Promise<boolean> {
  if (viewerId === userId) return false;
  return (await findPrivacy(pool, userId))?.profileHidden ?? true;
}

@Controller()
export class ProfileController {
  constructor(@Inject(POOL) private readonly pool: Pool) {}

  @Get('profile')
  @UseGuards(SignedInGuard)
  async profile(@CurrentPlayer() userId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    // The newest event first: one appended meanwhile is both on the page and streamed (harmless).
    const liveAfter = await findLatestLiveSeq(this.pool, userId);
    const profile = await findProfile(this.pool, userId, { recent: 20 });
    if (!profile) throw new WebsiteError('not_found', 'No such player', HttpStatus.NOT_FOUND);
    res.type('html').send(profilePage(pageContext(req), profile, liveAfter));
  }

  @Get('players/:id')
  async player(@Param() params: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { id } = parseParams(userIdParam, params);
    const profile = await findProfile(this.pool, id, { recent: 0 });
    if (!profile || (await isHiddenFrom(this.pool, id, req.user?.userId))) {
      throw new WebsiteError('not_found', 'No such player', HttpStatus.NOT_FOUND);
    }
    res.type('html').send(playerPage(pageContext(req), profile));
  }
}

@Module({ controllers: [ProfileController] })
export class ProfileModule {}
