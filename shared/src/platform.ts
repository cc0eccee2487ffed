export const PLATFORMS = ['telegram', 'discord', 'website'] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * Platforms whose bot sends the player notifications (Telegram messages, Discord DMs); each
 * is switched on or off on its own. The website's live updates are the player's own page.
 */
export const NOTIFIED_PLATFORMS = ['telegram', 'discord'] as const;
export type NotifiedPlatform = (typeof NOTIFIED_PLATFORMS)[number];

/** Where a change came from: a platform, or the system itself (migrations, admin commands). */
export type SourcePlatform = Platform | 'system';

/** A person's id on one platform. Telegram ids are numbers, Discord ids snowflakes, website ids emails. */
export type PlatformIdentity =
  | { platform: 'telegram'; id: string | number }
  | { platform: 'discord'; id: string }
  | { platform: 'website'; id: string };

/** Who a change is for: a platform identity (found or created) or an existing account id. */
export type Player = PlatformIdentity | { userId: string };
