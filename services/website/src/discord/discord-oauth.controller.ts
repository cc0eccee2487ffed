/**
 * Discord OAuth2 on the website: sign in with Discord, link Discord to the signed-in
 * account, and opt into Linked Roles (`role_connections.write`).
 *
 * `state` is 32 random bytes made per request, kept in the session, and taken out of it at
 * the callback whatever happens (single use); a callback whose state does not match the
 * session's, or comes more than 10 minutes later, exchanges nothing.
 *
 * Linked Roles (only with DISCORD_TOKEN_KEY): the grant is sealed and kept with
 * `saveRoleConnectionGrant`, which records `linked_roles_granted`; the sync worker, woken
 * after the commit, sets the player's role connection from it (one body, the worker's).
 */
import { randomBytes } from 'node:crypto';
import { Controller, Get, HttpStatus, Inject, Module, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import passport from 'passport';
import { z } from 'zod';
import {
  MissingScopeError,
  saveRoleConnectionGrant,
  type Linking,
  type Logger,
  type Progression,
  type Wake,
} from '@ttfd/shared';
import type { Pool } from 'pg';
import { discordEnabled, linkedRolesEnabled, type WebsiteConfig } from '../config';
import { csrfTokenMatches } from '../core/csrf';
import { CONFIG, LINKING, LOG, METRICS, NOW, POOL, PROGRESSION, WAKE } from '../core/deps';
import { WebsiteError } from '../core/errors';
import type { WebsiteMetrics } from '../core/http-metrics';
import { localeOf } from '../core/locale';
import { startSignedInSession } from '../core/session';
import { parseQuery } from '../core/validation';
import { settleLinkOutcome } from '../linking/link-outcome';
import { DiscordStrategy, type DiscordSignIn } from './discord.strategy';

export const OAUTH_FLOW_TTL_MS = 10 * 60_000;

const startQuery = z.object({
  purpose: z.enum(['login', 'link']).default('login'),
  linked_roles: z.enum(['1']).optional(),
});
const callbackQuery = z.object({
  state: z.string().max(200).optional(),
  code: z.string().max(500).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
});

/** Runs passport's Discord strategy: a redirect to Discord, or (at the callback) the exchange. */
function authenticate(
  req: Request,
  res: Response,
  options: { state?: string; scope?: string[] },
): Promise<DiscordSignIn | null> {
  return new Promise((resolve, reject) => {
    passport.authenticate('discord', { session: false, ...options }, (err: unknown, user: DiscordSignIn | false) =>
      err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(user || null),
    )(req, res, (err: unknown) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(null)));
  });
}

@Controller('auth/discord')
export class DiscordOAuthController {
  constructor(
    @Inject(CONFIG) private readonly config: WebsiteConfig,
    @Inject(LINKING) private readonly linking: Linking,
    @Inject(PROGRESSION) private readonly progression: Progression,
    @Inject(POOL) private readonly pool: Pool,
    @Inject(WAKE) private readonly wake: Wake,
    @Inject(NOW) private readonly now: () => Date,
    @Inject(METRICS) private readonly metrics: WebsiteMetrics,
    @Inject(LOG) private readonly log: Logger,
  ) {}

  private ensureEnabled(): void {
    if (!discordEnabled(this.config)) {
      throw new WebsiteError('unavailable', 'Discord sign-in is not set up on this site', HttpStatus.NOT_FOUND);
    }
  }

  @Get()
  async start(@Query() query: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    this.ensureEnabled();
    const { purpose, linked_roles } = parseQuery(startQuery, query);
    if (purpose === 'link' && !req.user)
      throw new WebsiteError('unauthorized', 'Sign in first', HttpStatus.UNAUTHORIZED);
    if (purpose === 'login' && req.user) return res.redirect(303, '/profile');
    const state = randomBytes(32).toString('base64url');
    // Without DISCORD_TOKEN_KEY the grant could not be kept: role_connections.write is never asked.
    const linkedRoles = linked_roles === '1' && linkedRolesEnabled(this.config);
    req.session.discordOAuth = {
      state,
      purpose,
      linkedRoles,
      startedAt: this.now().getTime(),
      ...(req.user ? { userId: req.user.userId } : {}),
    };
    // Stored before the browser leaves for Discord.
    await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
    await authenticate(req, res, { state, scope: linkedRoles ? ['identify', 'role_connections.write'] : ['identify'] });
  }

  @Get('callback')
  async callback(@Query() query: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    this.ensureEnabled();
    const flow = req.session.discordOAuth;
    delete req.session.discordOAuth;
    const q = parseQuery(callbackQuery, query);
    const failed = (why: string, to = flow?.purpose === 'link' ? '/link' : '/login') => {
      this.metrics.logins.inc({ method: 'discord', outcome: why });
      req.session.notice = { kind: 'error', key: 'accounts.discordFailed' };
      res.redirect(303, to);
    };
    if (!flow || !csrfTokenMatches(flow.state, q.state)) return failed('bad_state');
    if (this.now().getTime() - flow.startedAt > OAUTH_FLOW_TTL_MS) return failed('bad_state');
    if (q.error || !q.code) return failed('denied');
    let signIn: DiscordSignIn | null;
    try {
      signIn = await authenticate(req, res, {});
    } catch (err) {
      this.log.warn({ err }, 'Discord token exchange or profile failed');
      return failed('exchange_failed');
    }
    if (!signIn) return failed('exchange_failed');

    if (flow.purpose === 'link') {
      if (!req.user || req.user.userId !== flow.userId) return failed('bad_state', '/login');
      const result = await this.linking.linkIdentity({
        userId: req.user.userId,
        identity: { platform: 'discord', id: signIn.discordUserId },
        proof: { kind: 'discord_oauth', discordUserId: signIn.discordUserId },
      });
      // The grant belongs to the Discord identity the player just proved, wherever it ends
      // up: kept too while a merge waits for their confirmation, so it outlives the merge.
      const proven = ['linked', 'already_linked', 'needs_confirmation'];
      if (flow.linkedRoles && proven.includes(result.status)) await this.connectLinkedRoles(req.user.userId, signIn);
      this.metrics.logins.inc({ method: 'discord', outcome: 'linked' });
      return res.redirect(303, settleLinkOutcome(req, result, localeOf(req)));
    }

    const { userId } = await this.progression.ensureUser(
      { platform: 'discord', id: signIn.discordUserId },
      { username: signIn.username, displayName: signIn.globalName, locale: localeOf(req) },
    );
    this.metrics.logins.inc({ method: 'discord', outcome: 'success' });
    await startSignedInSession(req, userId, this.now());
    if (flow.linkedRoles) await this.connectLinkedRoles(userId, signIn);
    res.redirect(303, '/profile');
  }

  /**
   * Keeps the player's Linked Roles grant (tokens sealed) and wakes the sync worker, which
   * sets their role connection (level, games won, daily streak) from it. A player who
   * unticked `role_connections.write` on Discord's page is linked without it.
   */
  private async connectLinkedRoles(userId: string, signIn: DiscordSignIn): Promise<void> {
    const key = this.config.DISCORD_TOKEN_KEY;
    if (!key) return;
    try {
      const { eventId } = await saveRoleConnectionGrant(this.pool, key, {
        discordId: signIn.discordUserId,
        accessToken: signIn.accessToken,
        refreshToken: signIn.refreshToken,
        expiresInSeconds: signIn.expiresInSeconds,
        scope: signIn.scopes.join(' '),
      });
      if (eventId) this.wake.signal();
      else this.log.warn({ userId }, 'Linked Roles grant kept, but no account has this Discord identity');
    } catch (err) {
      if (!(err instanceof MissingScopeError)) throw err;
      this.log.info({ userId }, 'Linked Roles not granted on Discord: role_connections.write was left out');
    }
  }
}

@Module({
  controllers: [DiscordOAuthController],
  providers: [DiscordStrategy],
})
export class DiscordOAuthModule {}
