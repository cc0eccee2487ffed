/**
 * passport-discord through @nestjs/passport, pointed at DISCORD_API_ROOT (Discord, or the
 * stand-in in tests). The OAuth2 `state` is made and checked by DiscordOAuthController
 * (bound to the session, single use), not by passport.
 */
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy, type Profile } from 'passport-discord';
import type { WebsiteConfig } from '../config';
import { CONFIG } from '../core/deps';

export const DISCORD_CALLBACK_PATH = '/auth/discord/callback';

/** What the callback learns: the Discord user and, for Linked Roles, the tokens. */
export interface DiscordSignIn {
  discordUserId: string;
  username: string;
  globalName: string | null;
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
  scopes: string[];
}

@Injectable()
export class DiscordStrategy extends PassportStrategy(Strategy, 'discord', true) {
  private readonly apiRoot: string;

  constructor(@Inject(CONFIG) config: WebsiteConfig) {
    super({
      clientID: config.DISCORD_CLIENT_ID ?? 'off',
      clientSecret: config.DISCORD_CLIENT_SECRET ?? 'off',
      callbackURL: `${config.PUBLIC_URL}${DISCORD_CALLBACK_PATH}`,
      authorizationURL: `${config.DISCORD_API_ROOT}/oauth2/authorize`,
      tokenURL: `${config.DISCORD_API_ROOT}/oauth2/token`,
      scope: ['identify'],
    });
    this.apiRoot = config.DISCORD_API_ROOT;
  }

  /** The profile from DISCORD_API_ROOT (passport-discord itself always asks discord.com). */
  override userProfile(accessToken: string, done: (err?: unknown, profile?: Profile) => void): void {
    fetch(`${this.apiRoot}/users/@me`, { headers: { authorization: `Bearer ${accessToken}` } })
      .then(async (res) => {
        if (!res.ok) throw new Error(`Discord answered ${res.status} to /users/@me`);
        const body = (await res.json()) as { id: string; username: string; global_name?: string | null };
        done(null, {
          provider: 'discord',
          id: body.id,
          username: body.username,
          global_name: body.global_name ?? null,
        } as unknown as Profile);
      })
      .catch((err: unknown) => done(err));
  }

  validate(
    accessToken: string,
    refreshToken: string,
    params: { expires_in?: number; scope?: string },
    profile: Profile & { global_name?: string | null },
  ): DiscordSignIn {
    return {
      discordUserId: profile.id,
      username: profile.username,
      globalName: profile.global_name ?? null,
      accessToken,
      refreshToken,
      expiresInSeconds: Number(params.expires_in ?? 0),
      scopes: String(params.scope ?? '')
        .split(' ')
        .filter(Boolean),
    };
  }
}
