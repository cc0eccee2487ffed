/**
 * The website's modules, listed: one line each. A feature module holds its controllers and
 * what they need; the shared parts (config, pool, domain) come from DepsModule, and every
 * request passes CoreModule's middleware (CSRF, the signed-in player, the language).
 */
import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { CoreModule } from './core/core.module';
import { DepsModule, type WebsiteDeps } from './core/deps';
import { AccountsModule } from './accounts/accounts.controller';
import { ApiModule } from './api/api.controller';
import { DiscordOAuthModule } from './discord/discord-oauth.controller';
import { HomeModule } from './home/home.controller';
import { LinkingModule } from './linking/linking.controller';
import { ProfileModule } from './profile/profile.controller';
import { PlaygroundModule } from './playground/playground.controller';
import { PrivacyModule } from './settings/privacy.controller';
import { SettingsModule } from './settings/settings.controller';
import { LeaderboardModule } from './leaderboard/leaderboard.controller';
import { LiveModule } from './live/live.controller';
import { AdminModule } from './admin/admin.controller';

/** Every feature of the site. Add a module here to serve it. */
export const FEATURE_MODULES: Type[] = [
  HomeModule, // /
  AccountsModule, // /signup, /login, /logout, /settings/password
  DiscordOAuthModule, // /auth/discord
  ProfileModule, // /profile, /players/:id
  LinkingModule, // /link
  SettingsModule, // /settings
  PrivacyModule, // /settings/privacy, /settings/data, /settings/delete
  ApiModule, // /api/v1: me, users/:id, link-codes
  LeaderboardModule, // /leaderboard, /api/v1/leaderboard
  LiveModule, // /api/v1/me/events (server-sent events)
  AdminModule, // /admin, /api/v1/events/{stats,dead,:id/replay}
  PlaygroundModule, // /playground (only with PLAYGROUND_API_URL)
];

@Module({})
export class AppModule {
  static register(deps: WebsiteDeps, features: Type[] = FEATURE_MODULES): DynamicModule {
    return { module: AppModule, imports: [DepsModule.register(deps), CoreModule, ...features] };
  }
}
