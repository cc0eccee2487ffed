/**
 * Detaching one identity from an account.
 *
 *   unlinkIdentity({ account, platform, source }) -> UnlinkResult
 *
 * `account` is the one asking (an identity or a session's account id); `platform` is the
 * identity to take off it. The last identity is never removed. No progress moves: the
 * account keeps everything, and the detached identity, if it comes back, starts a fresh
 * account. If the primary platform is unlinked, the first remaining platform becomes
 * primary. Unused link codes and pending merge confirmations of that identity lapse, and
 * an unlinked Discord identity's Linked Roles grant is dropped. Emits account_unlinked.
 */
import type { Platform, SourcePlatform } from '../platform';
import { UnknownPlayerError, type Player } from '../progression/progression';
import { appendEvents, identityOn, normaliseIdentity, ownerOf, readAccount, retrying, transaction } from './accounts';
import { resolveUserId } from '../progression/resolve-user';
import { detachIdentitySql, REVOKE_LINK_CODES_SQL, REVOKE_MERGE_CONFIRMATIONS_SQL } from './identity.sql';
import type { LinkingDeps } from './linking-deps';
import { dropRoleConnectionGrant } from './role-connection-grants';

export type UnlinkResult =
  | { status: 'unlinked'; userId: string; platform: Platform; platforms: Platform[]; primaryPlatform: Platform }
  /** The account has no identity on that platform. */
  | { status: 'not_linked'; userId: string; platform: Platform }
  /** It is the account's only identity; an account always keeps one. */
  | { status: 'last_identity'; userId: string; platform: Platform };

export async function unlinkIdentity(
  deps: LinkingDeps,
  input: { account: Player; platform: Platform; source: SourcePlatform },
): Promise<UnlinkResult> {
  const { account, platform, source } = input;
  const now = deps.now();
  const result = await transaction(deps.pool, (client) =>
    retrying(client, async (): Promise<UnlinkResult | undefined> => {
      const userId =
        'userId' in account
          ? await resolveUserId(client, account.userId)
          : await ownerOf(client, normaliseIdentity(account));
      if (userId === null) {
        throw new UnknownPlayerError('userId' in account ? account.userId : `${account.platform}:${account.id}`);
      }
      const seen = await readAccount(client, userId);
      if (!seen || seen.merged_into) return undefined;
      const identity = identityOn(seen, platform);
      if (identity === null) return { status: 'not_linked', userId, platform };
      if (seen.platforms.length <= 1) return { status: 'last_identity', userId, platform };
      // Its codes and pending confirmations lapse before the account is locked: confirming a
      // merge locks those rows before the accounts, and unlinking takes them in the same order.
      await client.query(REVOKE_LINK_CODES_SQL, [platform, identity]);
      await client.query(REVOKE_MERGE_CONFIRMATIONS_SQL, [platform, identity, now]);
      const row = await readAccount(client, userId, { lock: true });
      const changed = !row || row.merged_into || identityOn(row, platform) !== identity || row.platforms.length <= 1;
      if (changed) return undefined;
      const {
        rows: [after],
      } = await client.query<{ platforms: Platform[]; primary_platform: Platform }>(detachIdentitySql(platform), [
        userId,
      ]);
      if (!after) return undefined;
      if (platform === 'discord') await dropRoleConnectionGrant(client, String(identity));
      const detached = platform === 'website' ? {} : { identity: String(identity) };
      await appendEvents(client, userId, source, [{ type: 'account_unlinked', data: { platform, ...detached } }]);
      return {
        status: 'unlinked',
        userId,
        platform,
        platforms: after.platforms,
        primaryPlatform: after.primary_platform,
      };
    }),
  );
  if (result.status === 'unlinked') deps.wake.signal();
  return result;
}
