import type { AccountSummary } from '../identity/accounts';
import type { MergePreview } from '../identity/merge';
import type { Platform } from '../platform';

/**
 * Which side of a merge preview is the viewer's: the account holding the identity they
 * are signed in with on `platform` (the two accounts never share a platform, or they could
 * not be merged), and the other one.
 */
export function mergeSidesFor(
  preview: Pick<MergePreview, 'survivor' | 'absorbed'>,
  platform: Platform,
): { mine: AccountSummary; other: AccountSummary } {
  const { survivor, absorbed } = preview;
  return survivor.platforms.includes(platform)
    ? { mine: survivor, other: absorbed }
    : { mine: absorbed, other: survivor };
}
