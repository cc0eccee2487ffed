export const PLATFORMS = ['telegram', 'discord', 'website'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Where a change came from: a platform, or the system itself (migrations, admin commands). */
export type SourcePlatform = Platform | 'system';

/** A person's id on one platform. Telegram ids are numbers, Discord ids snowflakes, website ids emails. */
export type PlatformIdentity =
  | { platform: 'telegram'; id: string | number }
  | { platform: 'discord'; id: string }
  | { platform: 'website'; id: string };

/** Who a change is for: a platform identity (found or created) or an existing account id. */
export type Player = PlatformIdentity | { userId: string };
