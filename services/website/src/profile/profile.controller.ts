/** The signed-in player's profile, every player's public page and its rank card image. */
import { Controller, Get, HttpStatus, Inject, Module, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import {
  findLatestLiveSeq,
  findPrivacy,
  findProfile,
  LOCALES,
  renderRankCard,
  type PlayerProfile,
  type Privacy,
} from '@ttfd/shared';
import type { WebsiteConfig } from '../config';
import { CONFIG, POOL } from '../core/deps';
import { CurrentPlayer, SignedInGuard } from '../core/current-player';
import { WebsiteError } from '../core/errors';
import { localeOf } from '../core/locale';
import { parseParams, parseQuery } from '../core/validation';
import { pageContext } from '../pages/page-context';
import { CARD_MAX_AGE, playerCardOf, sharedNameOf } from './player-card';
import { playerPage, profilePage } from './profile.pages';

export const userIdParam = z.object({ id: z.string().regex(/^[1-9][0-9]{0,18}$/, 'must be an account id') });
/** `?lang=`: the card in this language (the page's share tags ask in the page viewer's); else the requester's. */
const cardQuery = z.object({ lang: z.enum(LOCALES).optional() });

/** Whether a player's public page is hidden from this viewer (never from the player themself). */
export async function isHiddenFrom(pool: Pool, userId: string, viewerId: string | undefined): Promise<boolean> {
  return hiddenFrom(userId, await findPrivacy(pool, userId), viewerId);
}

/** The same for privacy already read (null: no live account, hidden from everyone). */
const hiddenFrom = (userId: string, privacy: Privacy | null, viewerId: string | undefined): boolean =>
  viewerId !== userId && (privacy?.profileHidden ?? true);

@Controller()
export class ProfileController {
  constructor(
    @Inject(POOL) private readonly pool: Pool,
    @Inject(CONFIG) private readonly config: WebsiteConfig,
  ) {}

  /** A player this viewer may see publicly, with their privacy; 404 for nobody and for a hidden page. */
  private async publicPlayer(params: unknown, req: Request): Promise<{ profile: PlayerProfile; privacy: Privacy }> {
    const { id } = parseParams(userIdParam, params);
    const [profile, privacy] = await Promise.all([
      findProfile(this.pool, id, { recent: 0 }),
      findPrivacy(this.pool, id),
    ]);
    if (!profile || !privacy || hiddenFrom(id, privacy, req.user?.userId)) {
      throw new WebsiteError('not_found', 'No such player', HttpStatus.NOT_FOUND);
    }
    return { profile, privacy };
  }

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
    const { profile, privacy } = await this.publicPlayer(params, req);
    const ctx = pageContext(req);
    const page = `${this.config.PUBLIC_URL}/players/${profile.userId}`;
    res.type('html').send(
      playerPage(ctx, profile, {
        name: sharedNameOf(profile, privacy, ctx.locale),
        pageUrl: page,
        imageUrl: `${page}/card.png?lang=${ctx.locale}`,
      }),
    );
  }

  @Get('players/:id/card.png')
  async card(
    @Param() params: unknown,
    @Query() query: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { lang } = parseQuery(cardQuery, query);
    const { profile, privacy } = await this.publicPlayer(params, req);
    const { card, etag } = await playerCardOf(this.pool, profile, privacy, lang ?? localeOf(req));
    res.set({
      ETag: etag,
      // A hidden page's card is its owner's alone: no shared cache keeps it.
      'Cache-Control': `${privacy.profileHidden ? 'private' : 'public'}, max-age=${CARD_MAX_AGE}`,
      Vary: 'Accept-Language, Cookie',
      // Link previews show it on other sites.
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
    if (req.fresh) {
      res.status(HttpStatus.NOT_MODIFIED).end();
      return;
    }
    res.type('png').send(await renderRankCard(card));
  }
}

@Module({ controllers: [ProfileController] })
export class ProfileModule {}
