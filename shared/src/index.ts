export * from './config';
export * from './logger';
export * from './metrics';
export * from './ops-server';
export * from './platform';
export * from './token-cipher';
export { createDataSource, entities, migrations } from './db/data-source';
export { createPool, type PoolOptions } from './db/pool';
export { readOnlyRepository, type ReadOnlyRepository } from './db/read-only-repository';
export { applyMigrations, pendingMigrations } from './db/migrate';
export { UnifiedUser } from './db/entities/unified-user.entity';
export { Rank } from './db/entities/rank.entity';
export { CrossPlatformEvent } from './db/entities/cross-platform-event.entity';
export { Season, SeasonResult } from './db/entities/season.entity';
export { AchievementRule } from './db/entities/achievement-rule.entity';
export { StoredLinkCode, LinkCodeFailure } from './db/entities/link-code.entity';
export { MergeConfirmation } from './db/entities/merge-confirmation.entity';
export { ActivityCooldown } from './db/entities/activity-cooldown.entity';
export { TelegramLoginFlow } from './db/entities/telegram-login-flow.entity';
export { RefusedTarget } from './db/entities/unreachable-target.entity';
export { RoleConnectionGrant } from './db/entities/role-connection-grant.entity';
export { DiscordMessageMark, DiscordVoiceSession } from './db/entities/discord-activity.entity';
export { WebsiteCredential } from './db/entities/website-credential.entity';
export { LegacyId, LegacyLinkProposal } from './db/entities/legacy-import.entity';
export { WebsiteSession, WebsiteLoginThrottle } from './db/entities/website-session.entity';
export {
  LeaderboardBand,
  LeaderboardScore,
  LeaderboardCell,
  LeaderboardChange,
} from './db/entities/leaderboard.entity';
export * from './progression/progression';
export { BOARDS_CHANNEL } from './progression/leaderboard-compaction';
export { progressSql } from './progression/progress.sql';
export { liveAccountSql, USER_ID } from './progression/resolve-user';
export * from './progression/rewards';
export * from './progression/wake';
export * from './progression/ledger';
export * from './progression/season';
export * from './progression/cooldown';
export { type NotificationsChange } from './progression/notification-settings';
export { DeliveryReceipt, type DeliveryTarget, type DeliveryStatus } from './db/entities/delivery-receipt.entity';
export * from './events';
export * from './identity/linking';
export { type AccountSummary, type LinkedIdentity, LINK_LOCK_TIMEOUT_MS } from './identity/accounts';
export { type OtherAccount, type ShownIdentity } from './identity/link-confirmation';
export {
  LINK_CODE_LENGTH,
  LINK_CODE_TTL_MS,
  DEEP_LINK_PREFIX,
  MAX_FAILED_REDEMPTIONS,
  FAILED_REDEMPTION_WINDOW_MS,
  normaliseLinkCode,
  type LinkCode,
} from './identity/link-code';
export {
  MERGE_CONFIRMATION_TTL_MS,
  TELEGRAM_LOGIN_FLOW_TTL_MS,
  TELEGRAM_LOGIN_LINK_MAX_AGE_SECONDS,
  type LinkProof,
  type LinkResult,
  type ConfirmResult,
} from './identity/link-identity';
export { type MergePreview } from './identity/merge';
export { type UnlinkResult } from './identity/unlink';
export * from './identity/telegram-login';
export * from './identity/passwords';
export * from './identity/legacy-import';
export * from './identity/role-connection-grants';
export * from './identity/privacy';
export * from './service-runner';
export * from './catalogue';
export * from './views';
export * from './progression/message-batch';
export * from './progression/voice-sessions';
export * from './discord';
export * from './rank-card';
