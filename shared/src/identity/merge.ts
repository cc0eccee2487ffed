/**
 * Merging two accounts into one, without losing a point.
 *
 *   previewMerge(a, b) -> MergePreview   (what the player will have; changes nothing)
 *
 * Rules, applied in one transaction holding both rows (locked lower id first, as every
 * two-row change does, so concurrent awards on either account wait and then land):
 * - The older account (earlier created_at, then lower id) survives and keeps its id,
 *   primary platform, locale and settings; the other is absorbed.
 * - Summed: XP, coins, games played and won, messages, voice time, season XP.
 * - Kept: the longer current daily streak (one whose last claim is older than yesterday
 *   is broken and counts as 0) and the later last claim (no second claim that day),
 *   the earlier creation time, the survivor's names (the absorbed ones fill gaps).
 * - Achievements: the union. Rank: recomputed from the summed XP by the progression
 *   statement, which also unlocks what the merged account now qualifies for (rank_<id>,
 *   all_platforms, counter achievements) and appends rank_up / achievement_unlocked.
 * - The absorbed account's identities move to the survivor; its events are re-pointed, so
 *   XP stays equal to the sum of xp_change deltas for both rows. The absorbed row stays as
 *   a tombstone (merged_into, merged_at, zero totals) so its id still resolves; tombstones
 *   that pointed at it are re-pointed at the survivor.
 * - Events on the survivor: accounts_merged (both ids and what was summed), then
 *   account_linked for each platform the survivor gained, then rank and achievement events.
 * Accounts that both have an identity on one platform cannot be merged (`conflicts`).
 * Season results already archived stay with the id they were archived for.
 */
import type { PoolClient } from 'pg';
import { UnknownPlayerError } from '../progression/progression';
import type { Platform, SourcePlatform } from '../platform';
import type { EventData } from '../events/event-types';
import { utcDay } from '../progression/rewards';
import { BOARDS_CHANGED_SQL } from '../progression/leaderboard-compaction';
import {
  evaluateProgress,
  appendEvents,
  readAccount,
  summarise,
  transaction,
  retrying,
  assertUserId,
  type AccountRow,
  type AccountSummary,
  type NewEvent,
} from './accounts';
import { resolveUserId } from '../progression/resolve-user';
import {
  ABSORB_TOTALS_SQL,
  FLATTEN_TOMBSTONES_SQL,
  REPOINT_EVENTS_SQL,
  TAKE_IDENTITIES_SQL,
  TOMBSTONE_SQL,
} from './identity.sql';
import type { LinkingDeps } from './linking-deps';

export interface MergePreview {
  survivorId: string;
  absorbedId: string;
  /** The two accounts as they are now. */
  survivor: AccountSummary;
  absorbed: AccountSummary;
  /** What the player will have after the merge (under the survivor's id). */
  after: AccountSummary;
  /** Achievements the merge itself earns. */
  achievementsUnlocked: string[];
  /** Platforms on which both accounts have an identity; non-empty means they cannot be merged. */
  conflicts: Platform[];
}

export type LinkVia = EventData['account_linked']['via'];

/** [survivor, absorbed]: the older account survives. */
export function survivorOf(a: AccountRow, b: AccountRow): [AccountRow, AccountRow] {
  const older = +a.created_at - +b.created_at || (BigInt(a.id) < BigInt(b.id) ? -1 : 1);
  return older < 0 ? [a, b] : [b, a];
}

export function conflictsOf(a: AccountRow, b: AccountRow): Platform[] {
  return a.platforms.filter((p) => b.platforms.includes(p));
}

/**
 * Locks two accounts, lower id first. Returns null if either is gone or has been merged
 * meanwhile (the caller resolves again).
 */
export async function lockPair(client: PoolClient, a: string, b: string): Promise<[AccountRow, AccountRow] | null> {
  const [first, second] = BigInt(a) < BigInt(b) ? [a, b] : [b, a];
  const x = await readAccount(client, first, { lock: true });
  const y = await readAccount(client, second, { lock: true });
  if (!x || !y || x.merged_into || y.merged_into) return null;
  return x.id === a ? [x, y] : [y, x];
}

async function combine(
  client: PoolClient,
  survivor: AccountRow,
  absorbed: AccountRow,
  now: Date,
  source: SourcePlatform,
  record: { via: LinkVia } | null,
): Promise<{ unlocked: string[]; appended: number }> {
  const {
    rows: [absorbedTotals],
  } = await client.query<{ daily_streak: number }>(ABSORB_TOTALS_SQL, [survivor.id, absorbed.id, utcDay(now)]);
  await client.query(TOMBSTONE_SQL, [absorbed.id, survivor.id, now]);
  await client.query(TAKE_IDENTITIES_SQL, [
    survivor.id,
    absorbed.telegram_id,
    absorbed.discord_id,
    absorbed.website_email,
  ]);
  let appended = 0;
  if (record) {
    await client.query(FLATTEN_TOMBSTONES_SQL, [survivor.id, absorbed.id]);
    await client.query(REPOINT_EVENTS_SQL, [survivor.id, absorbed.id]);
    const gained = absorbed.platforms.filter((p) => !survivor.platforms.includes(p));
    const events: NewEvent[] = [
      {
        type: 'accounts_merged',
        data: {
          survivor_id: survivor.id,
          absorbed_id: absorbed.id,
          summed: {
            xp: Number(absorbed.xp),
            coins: Number(absorbed.coins),
            games_played: absorbed.games_played,
            games_won: absorbed.games_won,
            messages_sent: Number(absorbed.messages_sent),
            total_voice_time: Number(absorbed.total_voice_time),
            current_season_xp: Number(absorbed.current_season_xp),
          },
          daily_streak: absorbedTotals!.daily_streak,
          achievements_added: absorbed.achievements.filter((a) => !survivor.achievements.includes(a)).sort(),
          platforms_moved: gained,
        },
      },
      ...gained.map((platform): NewEvent => ({ type: 'account_linked', data: { platform, via: record.via } })),
    ];
    appended += await appendEvents(client, survivor.id, source, events);
  }
  const progress = await evaluateProgress(client, survivor.id, source, now);
  return { unlocked: progress.unlocked, appended: appended + progress.appended };
}

/**
 * Merges two locked, live, conflict-free accounts in the caller's transaction. Returns
 * the survivor's id, the merged account and how many events were appended.
 */
export async function mergeLocked(
  client: PoolClient,
  pair: [AccountRow, AccountRow],
  now: Date,
  source: SourcePlatform,
  via: LinkVia,
): Promise<{ survivorId: string; absorbedId: string; account: AccountSummary; appended: number }> {
  const [survivor, absorbed] = survivorOf(...pair);
  const { appended } = await combine(client, survivor, absorbed, now, source, { via });
  // The absorbed account leaves the boards and the survivor moves: pages kept by the
  // website's replicas are dropped when this transaction commits (not if it rolls back).
  await client.query(BOARDS_CHANGED_SQL);
  const after = await readAccount(client, survivor.id);
  return { survivorId: survivor.id, absorbedId: absorbed.id, account: summarise(after!), appended };
}

/** What merging two locked, live accounts would give, computed by the merge's own statements and rolled back. */
export async function previewLocked(
  client: PoolClient,
  pair: [AccountRow, AccountRow],
  now: Date,
): Promise<MergePreview> {
  const [survivor, absorbed] = survivorOf(...pair);
  await client.query('SAVEPOINT preview');
  try {
    const { unlocked } = await combine(client, survivor, absorbed, now, 'system', null);
    const after = await readAccount(client, survivor.id);
    return {
      survivorId: survivor.id,
      absorbedId: absorbed.id,
      survivor: summarise(survivor),
      absorbed: summarise(absorbed),
      after: summarise(after!),
      achievementsUnlocked: [...unlocked].sort(),
      conflicts: conflictsOf(survivor, absorbed),
    };
  } finally {
    await client.query('ROLLBACK TO SAVEPOINT preview');
  }
}

/** The preview of merging the accounts behind two ids (merged ids resolve). Changes nothing. */
export async function previewMerge(deps: LinkingDeps, a: string, b: string): Promise<MergePreview> {
  assertUserId(a);
  assertUserId(b);
  const now = deps.now();
  return transaction(
    deps.pool,
    (client) =>
      retrying(client, async () => {
        const [x, y] = [await resolveUserId(client, a), await resolveUserId(client, b)];
        if (x === null) throw new UnknownPlayerError(a);
        if (y === null) throw new UnknownPlayerError(b);
        if (x === y) throw new RangeError(`Accounts ${a} and ${b} are already one account (${x})`);
        const pair = await lockPair(client, x, y);
        return pair ? previewLocked(client, pair, now) : undefined;
      }),
    () => false,
  );
}
