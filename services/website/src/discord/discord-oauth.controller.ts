/**
 * Discord OAuth2 on the website: sign in with Discord, link Discord to the signed-in
 * account, and opt into Linked Roles (`role_connections.write`).
 *
 * `state` is 32 random bytes made per request, kept in the session, and taken out of it at
 * the callback whatever happens (single use); a callback whose state does not match the
 * session's, or comes more than 10 minutes later, exchanges nothing.
 */
import { randomBytes } from 'node:crypto';
import { Controller, Get, HttpStatus, Inject, Module, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import passport from 'passport';
import { z } from 'zod';
import { findProfile, rankName, type Linking, type Logger, type Progression } from '@ttfd/shared';
import type { Pool } from 'pg';
import { discordEnabled, type WebsiteConfig } from '../config';
import { csrfTokenMatches } from '../core/csrf';
import { CONFIG, LINKING, LOG, METRICS, NOW, POOL, PROGRESSION } from '../core/deps';
import { WebsiteError } from '../core/errors';
import type { WebsiteMetrics } from '../core/http-metrics';
import { localeOf } from '../core/locale';
import { startSignedInSession } from '../core/session';
import { parseQuery } from '../core/validation';
import { settleLinkOutcome } from '../linking/link-outcome';
import { DiscordStrategy, type DiscordSignIn } from './discord.strategy';
import { ROLE_CONNECTION_GRANTS, type RoleConnectionGrants } from './role-connection-grants';

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
    @Inject(NOW) private readonly now: () => Date,
    @Inject(METRICS) private readonly metrics: WebsiteMetrics,
    @Inject(LOG) private readonly log: Logger,
    @Inject(ROLE_CONNECTION_GRANTS) private readonly grants: RoleConnectionGrants | null,
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
    const linkedRoles = linked_roles === '1';
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
      if (flow.linkedRoles && (result.status === 'linked' || result.status === 'already_linked')) {
        await this.connectLinkedRoles(req.user.userId, signIn);
      }
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
   * Writes the player's role connection at once (their rank and XP on their Discord
   * profile) with the token just granted, and hands the grant to the store the sync
   * worker updates it from.
   */
  private async connectLinkedRoles(userId: string, signIn: DiscordSignIn): Promise<void> {
    if (!signIn.scopes.includes('role_connections.write')) return;
    const profile = await findProfile(this.pool, userId, { recent: 0 });
    if (!profile) return;
    const res = await fetch(
      `${this.config.DISCORD_API_ROOT}/users/@me/applications/${this.config.DISCORD_CLIENT_ID}/role-connection`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${signIn.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          platform_name: 'TTFD',
          platform_username: (profile.displayName ?? profile.username ?? signIn.username).slice(0, 100),
          metadata: { xp: profile.xp, rank: profile.rank.id },
        }),
      },
    );
    if (!res.ok)
      this.log.warn({ status: res.status, rank: rankName(profile.rank.id, 'en') }, 'role connection refused');
    if (this.grants) {
      await this.grants.save({
        userId,
        discordUserId: signIn.discordUserId,
        accessToken: signIn.accessToken,
        refreshToken: signIn.refreshToken,
        expiresAt: new Date(this.now().getTime() + signIn.expiresInSeconds * 1000),
        scopes: signIn.scopes,
      });
    } else {
      this.log.warn('Linked Roles grant not kept: no role connection grant store is wired (saveRoleConnectionGrant)');
    }
  }
}

@Module({
  controllers: [DiscordOAuthController],
  providers: [DiscordStrategy, { provide: ROLE_CONNECTION_GRANTS, useValue: null }],
})
export class DiscordOAuthModule {}
