/**
 * Privacy settings: hide the public page, appear anonymised on boards, download my data,
 * delete my account. The last two need the player to prove it is them again: their
 * password, or (an account without one) a sign-in within the last 10 minutes.
 */
import { Body, Controller, HttpStatus, Inject, Module, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import { eraseAccount, exportPlayerData, setPrivacy, verifyPassword, type Linking } from '@ttfd/shared';
import { LINKING, NOW, POOL } from '../core/deps';
import { CurrentPlayer, SignedInGuard } from '../core/current-player';
import { WebsiteError } from '../core/errors';
import { endSession } from '../core/session';
import { parseBody } from '../core/validation';

export const REAUTH_WINDOW_MS = 10 * 60_000;

const CREDENTIAL_SQL = `
SELECT c.password_hash FROM unified_users u JOIN website_credentials c ON c.user_id = u.id
WHERE u.id = $1::bigint AND u.website_email IS NOT NULL AND c.password_hash IS NOT NULL`;

/** Every session of an account ends when it is deleted, those begun on accounts merged into it too. */
const END_SESSIONS_SQL = `
DELETE FROM website_sessions
WHERE sess->>'userId' IN (SELECT id::text FROM unified_users WHERE id = $1::bigint OR merged_into = $1::bigint)`;

const privacyForm = z.object({
  profile_hidden: z.enum(['on']).optional(),
  leaderboard_anonymous: z.enum(['on']).optional(),
});
const reauthForm = z.object({ password: z.string().max(1024).optional() });
const deleteForm = reauthForm.extend({ confirm: z.literal('DELETE') });

@Controller('settings')
@UseGuards(SignedInGuard)
export class PrivacyController {
  constructor(
    @Inject(POOL) private readonly pool: Pool,
    @Inject(LINKING) private readonly linking: Linking,
    @Inject(NOW) private readonly now: () => Date,
  ) {}

  /** The password when the account has one; else a sign-in within the window. */
  private async reauthenticate(req: Request, userId: string, password: string | undefined): Promise<void> {
    const { rows } = await this.pool.query<{ password_hash: string }>(CREDENTIAL_SQL, [userId]);
    const proven = rows[0]
      ? password !== undefined && (await verifyPassword(rows[0].password_hash, password)).ok
      : this.now().getTime() - (req.session.authenticatedAt ?? 0) <= REAUTH_WINDOW_MS;
    if (!proven) {
      throw new WebsiteError('forbidden', 'Confirm it is you: password or a recent sign-in', HttpStatus.FORBIDDEN);
    }
  }

  @Post('privacy')
  async privacy(@CurrentPlayer() userId: string, @Body() body: unknown, @Req() req: Request, @Res() res: Response) {
    const form = parseBody(privacyForm, body);
    await setPrivacy(this.pool, {
      userId,
      profileHidden: form.profile_hidden === 'on',
      leaderboardAnonymous: form.leaderboard_anonymous === 'on',
    });
    req.session.notice = { kind: 'ok', key: 'settings.saved' };
    res.redirect(303, '/settings');
  }

  @Post('data')
  async download(@CurrentPlayer() userId: string, @Body() body: unknown, @Req() req: Request, @Res() res: Response) {
    const form = parseBody(reauthForm, body);
    await this.reauthenticate(req, userId, form.password);
    const data = await exportPlayerData(this.pool, userId);
    if (!data) throw new WebsiteError('not_found', 'No such player', HttpStatus.NOT_FOUND);
    res
      .status(200)
      .set('content-disposition', `attachment; filename="ttfd-${userId}.json"`)
      .set('cache-control', 'no-store')
      .json({ exportedAt: this.now().toISOString(), ...data });
  }

  @Post('delete')
  async delete(@CurrentPlayer() userId: string, @Body() body: unknown, @Req() req: Request, @Res() res: Response) {
    const form = parseBody(deleteForm, body);
    await this.reauthenticate(req, userId, form.password);
    await eraseAccount(this.linking, this.pool, { userId, now: this.now() });
    await this.pool.query(END_SESSIONS_SQL, [userId]);
    await endSession(req);
    res.clearCookie('ttfd.sid');
    res.redirect(303, '/');
  }
}

@Module({ controllers: [PrivacyController] })
export class PrivacyModule {}
