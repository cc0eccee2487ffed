import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { types } from 'pg';
import { AchievementRule } from './entities/achievement-rule.entity';
import { CrossPlatformEvent } from './entities/cross-platform-event.entity';
import { Rank } from './entities/rank.entity';
import { Season, SeasonResult } from './entities/season.entity';
import { UnifiedUser } from './entities/unified-user.entity';
import { DeliveryReceipt } from './entities/delivery-receipt.entity';
import { LinkCodeFailure, StoredLinkCode } from './entities/link-code.entity';
import { MergeConfirmation } from './entities/merge-confirmation.entity';
import { DiscordMessageMark, DiscordVoiceSession } from './entities/discord-activity.entity';
import { RefusedTarget } from './entities/unreachable-target.entity';
import { TelegramLoginFlow } from './entities/telegram-login-flow.entity';
import { ActivityCooldown } from './entities/activity-cooldown.entity';
import { WebsiteCredential } from './entities/website-credential.entity';
import { LegacyId, LegacyLinkProposal } from './entities/legacy-import.entity';
import { RoleConnectionGrant } from './entities/role-connection-grant.entity';
import { LeaderboardBand, LeaderboardCell, LeaderboardChange, LeaderboardScore } from './entities/leaderboard.entity';
import { WebsiteLoginThrottle, WebsiteSession } from './entities/website-session.entity';
import { Initial1764100000000 } from './migrations/1764100000000-Initial';
import { Identity1764200000000 } from './migrations/1764200000000-Identity';
import { EventDelivery1764300000000 } from './migrations/1764300000000-EventDelivery';
import { ActivityCooldowns1764400000000 } from './migrations/1764400000000-ActivityCooldowns';
import { EntitiesMatchSchema1764500000000 } from './migrations/1764500000000-EntitiesMatchSchema';
import { LeaderboardScores1764600000000 } from './migrations/1764600000000-LeaderboardScores';
import { LeaderboardChangesKey1764650000000 } from './migrations/1764650000000-LeaderboardChangesKey';
import { DeliveryHardening1764700000000 } from './migrations/1764700000000-DeliveryHardening';
import { LinkingHardening1764800000000 } from './migrations/1764800000000-LinkingHardening';
import { DiscordActivity1764900000000 } from './migrations/1764900000000-DiscordActivity';
import { WebsiteCredentials1765300000000 } from './migrations/1765300000000-WebsiteCredentials';
import { LegacyImport1765310000000 } from './migrations/1765310000000-LegacyImport';
import { LeaderboardFollowsInsertsPerStatement1765320000000 } from './migrations/1765320000000-LeaderboardFollowsInsertsPerStatement';
import { SmokeTestEvents1765430000000 } from './migrations/1765430000000-SmokeTestEvents';
import { DeliveryReceiptAttempts1765450000000 } from './migrations/1765450000000-DeliveryReceiptAttempts';
import { LeaderboardFollowsUpdatesPerStatement1765460000000 } from './migrations/1765460000000-LeaderboardFollowsUpdatesPerStatement';
import { RoleConnectionGrants1765100000000 } from './migrations/1765100000000-RoleConnectionGrants';
import { WebsiteSessions1765200000000 } from './migrations/1765200000000-WebsiteSessions';
import { PlayerPrivacy1765200000001 } from './migrations/1765200000001-PlayerPrivacy';
import { NotificationsPerPlatform1765400000000 } from './migrations/1765400000000-NotificationsPerPlatform';

// A calendar day (the daily claim) stays the 'YYYY-MM-DD' the database holds, not a local-time Date.
types.setTypeParser(types.builtins.DATE, (value) => value);

/** One entity per table; `shared/test/entities.int-spec.ts` proves they match the migrated schema. */
export const entities = [
  UnifiedUser,
  Rank,
  AchievementRule,
  CrossPlatformEvent,
  DeliveryReceipt,
  Season,
  SeasonResult,
  StoredLinkCode,
  LinkCodeFailure,
  MergeConfirmation,
  ActivityCooldown,
  TelegramLoginFlow,
  DiscordMessageMark,
  DiscordVoiceSession,
  RefusedTarget,
  LeaderboardBand,
  LeaderboardScore,
  LeaderboardCell,
  LeaderboardChange,
  WebsiteCredential,
  LegacyId,
  LegacyLinkProposal,
  RoleConnectionGrant,
  WebsiteSession,
  WebsiteLoginThrottle,
];

/** Every migration, in order. New ones are appended here; nothing is loaded from folders. */
export const migrations = [
  Initial1764100000000,
  Identity1764200000000,
  EventDelivery1764300000000,
  ActivityCooldowns1764400000000,
  EntitiesMatchSchema1764500000000,
  LeaderboardScores1764600000000,
  LeaderboardChangesKey1764650000000,
  DeliveryHardening1764700000000,
  LinkingHardening1764800000000,
  DiscordActivity1764900000000,
  RoleConnectionGrants1765100000000,
  WebsiteSessions1765200000000,
  PlayerPrivacy1765200000001,
  WebsiteCredentials1765300000000,
  LegacyImport1765310000000,
  LeaderboardFollowsInsertsPerStatement1765320000000,
  NotificationsPerPlatform1765400000000,
  SmokeTestEvents1765430000000,
  DeliveryReceiptAttempts1765450000000,
  LeaderboardFollowsUpdatesPerStatement1765460000000,
];

export interface DataSourceOptions {
  /**
   * Connections in the pool (default 10). The DataSource runs migrations and entity reads;
   * everything else queries through `createPool`.
   */
  poolSize?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
}

export function createDataSource(url: string, options: DataSourceOptions = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? 'ttfd',
    extra: {
      // A connection that the server dropped (restart, failover) is discarded, not reused.
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    },
  });
}
