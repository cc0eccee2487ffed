/**
 * Linking on the website: link codes both ways, the Telegram Login Widget, the merge
 * confirmation and unlinking. Every decision is the identity domain's (`Linking`); this
 * controller only carries the player's input to it and shows its answer.
 */
import { Body, Controller, Get, HttpStatus, Inject, Module, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import { PLATFORMS, type LinkCode, type Linking } from '@ttfd/shared';
import { discordEnabled, telegramEnabled, type WebsiteConfig } from '../config';
import { CONFIG, LINKING, NOW, POOL } from '../core/deps';
import { CurrentPlayer, SignedInGuard } from '../core/current-player';
import { WebsiteError } from '../core/errors';
import { localeOf } from '../core/locale';
import { parseBody } from '../core/validation';
import { pageContext } from '../pages/page-context';
import { websiteSideIdentity } from './account-identity';
import { settleLinkOutcome } from './link-outcome';
import { confirmPage, linkPage, telegramConfirmPage } from './linking.pages';

export const TELEGRAM_CALLBACK_PATH = '/link/telegram/callback';

/** The Login Widget's fields (https://core.telegram.org/widgets/login#receiving-authorization-data). */
const TELEGRAM_FIELDS = ['id', 'first_name', 'last_name', 'username', 'photo_url', 'auth_date', 'hash'] as const;
const telegramPayload = z
  .object(Object.fromEntries(TELEGRAM_FIELDS.map((f) => [f, z.string().max(512).optional()])))
  .transform((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as Record<string, string>);

const codeForm = z.object({ code: z.string().trim().min(1).max(64) });
const confirmForm = z.object({ confirm_token: z.string().min(1).max(200), action: z.enum(['confirm', 'cancel']) });
const unlinkForm = z.object({ platform: z.enum(PLATFORMS) });

@Controller('link')
@UseGuards(SignedInGuard)
export class LinkingController {
  constructor(
    @Inject(LINKING) private readonly linking: Linking,
    @Inject(POOL) private readonly pool: Pool,
    @Inject(CONFIG) private readonly config: WebsiteConfig,
    @Inject(NOW) private readonly now: () => Date,
  ) {}

  /** A code the player enters on another platform. */
  async createCode(userId: string): Promise<LinkCode> {
    const identity = await websiteSideIdentity(this.pool, userId);
    if (!identity) throw new WebsiteError('not_found', 'No such player', HttpStatus.NOT_FOUND);
    return this.linking.createLinkCode(identity);
  }

  private async render(req: Request, res: Response, userId: string, code: LinkCode | null): Promise<void> {
    let telegram = null;
    if (telegramEnabled(this.config)) {
      // The widget's answer links only within this session's flow (the identity domain checks the nonce).
      const flow = await this.linking.startTelegramLogin({ userId });
      req.session.telegramLogin = { sessionNonce: flow.sessionNonce, expiresAt: flow.expiresAt.getTime() };
      telegram = {
        botUsername: this.config.TELEGRAM_BOT_USERNAME!,
        authUrl: `${this.config.PUBLIC_URL}${TELEGRAM_CALLBACK_PATH}`,
      };
    }
    res
      .status(200)
      .type('html')
      .send(
        linkPage(pageContext(req), {
          code,
          telegram,
          discord: discordEnabled(this.config) ? { linkedRoles: true } : null,
          botUsername: this.config.TELEGRAM_BOT_USERNAME ?? null,
        }),
      );
  }

  @Get()
  async page(@CurrentPlayer() userId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.render(req, res, userId, null);
  }

  @Post('codes')
  async code(@CurrentPlayer() userId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.render(req, res, userId, await this.createCode(userId));
  }

  @Post('redeem')
  async redeem(
    @CurrentPlayer() userId: string,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { code } = parseBody(codeForm, body);
    const identity = await websiteSideIdentity(this.pool, userId);
    if (!identity) throw new WebsiteError('not_found', 'No such player', HttpStatus.NOT_FOUND);
    const result = await this.linking.redeemLinkCode(identity, code);
    res.redirect(303, settleLinkOutcome(req, result, localeOf(req)));
  }

  /** Where the Telegram widget sends the player back: asks before linking (the link itself is a POST). */
  @Get('telegram/callback')
  telegramCallback(@Query() query: unknown, @Req() req: Request, @Res() res: Response): void {
    const payload = telegramPayload.safeParse(query);
    if (!payload.success || !payload.data.hash || !payload.data.id) {
      throw new WebsiteError('bad_request', 'Not a Telegram login', HttpStatus.BAD_REQUEST);
    }
    res.type('html').send(telegramConfirmPage(pageContext(req), payload.data));
  }

  @Post('telegram')
  async linkTelegram(
    @CurrentPlayer() userId: string,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const fields = Object.fromEntries(
      Object.entries((body ?? {}) as Record<string, unknown>)
        .filter(([k]) => k.startsWith('tg_'))
        .map(([k, v]) => [k.slice(3), v]),
    );
    const payload = telegramPayload.safeParse(fields);
    if (!payload.success) throw new WebsiteError('bad_request', 'Not a Telegram login', HttpStatus.BAD_REQUEST);
    const flow = req.session.telegramLogin;
    if (!this.config.TELEGRAM_BOT_TOKEN || !flow || flow.expiresAt <= this.now().getTime()) {
      req.session.notice = { kind: 'error', key: 'linking.telegramInvalid' };
      return res.redirect(303, '/link');
    }
    const result = await this.linking.linkIdentity({
      userId,
      identity: { platform: 'telegram', id: payload.data.id ?? '' },
      proof: {
        kind: 'telegram_login',
        payload: payload.data,
        botToken: this.config.TELEGRAM_BOT_TOKEN,
        sessionNonce: flow.sessionNonce,
      },
    });
    res.redirect(303, settleLinkOutcome(req, result, localeOf(req)));
  }

  @Get('confirm')
  confirmation(@Req() req: Request, @Res() res: Response): void {
    const pending = req.session.pendingConfirmation;
    if (!pending || pending.expiresAt <= this.now().getTime()) {
      delete req.session.pendingConfirmation;
      req.session.notice = { kind: 'error', key: 'linking.invalidToken' };
      return res.redirect(303, '/link');
    }
    res.type('html').send(confirmPage(pageContext(req), pending));
  }

  @Post('confirm')
  async confirm(
    @CurrentPlayer() userId: string,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const form = parseBody(confirmForm, body);
    delete req.session.pendingConfirmation;
    const by = { userId };
    const result =
      form.action === 'confirm'
        ? await this.linking.confirmMerge({ confirmToken: form.confirm_token, by })
        : await this.linking.cancelMerge({ confirmToken: form.confirm_token, by });
    res.redirect(303, settleLinkOutcome(req, result, localeOf(req)));
  }

  @Post('unlink')
  async unlink(
    @CurrentPlayer() userId: string,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { platform } = parseBody(unlinkForm, body);
    const result = await this.linking.unlinkIdentity({ account: { userId }, platform, source: 'website' });
    req.session.notice =
      result.status === 'last_identity'
        ? { kind: 'error', key: 'linking.lastIdentity' }
        : result.status === 'unlinked'
          ? { kind: 'ok', key: 'linking.unlinked' }
          : { kind: 'error', key: 'errors.not_found' };
    res.redirect(303, '/profile');
  }
}

@Module({ controllers: [LinkingController] })
export class LinkingModule {}
