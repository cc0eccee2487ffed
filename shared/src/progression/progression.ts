import type { Pool } from 'pg';
import type { Player, PlatformIdentity, SourcePlatform } from '../platform';

export type { Player };
import type { ProgressionMetrics } from '../metrics';
import type { EventType, StatDeltas } from '../events/event-types';
import {
  ensureUserSql,
  noChange,
  progressParams,
  progressSql,
  type IdentityColumn,
  type ProgressChange,
} from './progress.sql';
import { nextDailyClaimAt, utcDay } from './rewards';
import type { Locale } from '../catalogue/locale';
import { setNotifications, type NotificationsChange } from './notification-settings';
import { createLeaderboardCompaction } from './leaderboard-compaction';
import {
  recordMessageBatch,
  type MemberMessages,
  type MessageBatchOptions,
  type MessageBatchResult,
} from './message-batch';
import type { Wake } from './wake';
import { resolveUserId } from './resolve-user';

export interface Profile {
  username?: string | null;
  displayName?: string | null;
  locale?: Locale;
}

export interface AwardInput {
  player: Player;
  xp?: number;
  coins?: number;
  stats?: StatDeltas;
  /** Why, in the game's words: 'message', 'voice', 'game', 'quest', 'purchase', 'admin', ... */
  reason: string;
  source: SourcePlatform;
  /** A platform event id (`telegram:<bot id>:update:<id>`); the same key never awards twice. */
  dedupeKey?: string;
  /** An activity event to append besides `xp_change` (e.g. game_played with its result). */
  activity?: { type: Extract<EventType, 'game_played' | 'message_sent' | 'voice_session'>; data: object };
  /** Used when the player is created by this change. */
  profile?: Profile;
}

export interface ProgressResult {
  /** 'duplicate': the dedupe key was seen before; nothing changed and the first result is returned. */
  status: 'ok' | 'duplicate';
  userId: string;
  xp: number;
  coins: number;
  rankId: number;
  xpDelta: number;
  coinsDelta: number;
  seasonXp: number;
  dailyStreak: number;
  previousRankId: number;
  achievementsUnlocked: string[];
  events: { id: string; type: EventType }[];
}

export type DailyResult =
  (ProgressResult & { status: 'ok' }) | { status: 'already_claimed'; userId: string; nextClaimAt: Date };

export class InsufficientBalanceError extends Error {
  constructor(
    readonly currency: 'coins' | 'xp',
    readonly balance: number,
    readonly requested: number,
  ) {
    super(`Not enough ${currency}: the balance is ${balance}, the change needs ${requested}`);
    this.name = 'InsufficientBalanceError';
  }
}

export class UnknownPlayerError extends Error {
  constructor(readonly userId: string) {
    super(`No active account with id ${userId}`);
    this.name = 'UnknownPlayerError';
  }
}

export interface ProgressionDeps {
  pool: Pool;
  wake: Wake;
  metrics?: ProgressionMetrics;
  now?: () => Date;
}

const COLUMN: Record<PlatformIdentity['platform'], Exclude<IdentityColumn, 'id'>> = {
  telegram: 'telegram_id',
  discord: 'discord_id',
  website: 'website_email',
};

const UNIQUE_VIOLATION = '23505';

interface ProgressRow {
  user_id: string | null;
  xp_before: string | null;
  coins_before: string | null;
  last_daily_claim: string | null;
  duplicate_of: Record<string, unknown> | null;
  xp: string | null;
  coins: string | null;
  rank_id: number | null;
  current_season_xp: string | null;
  daily_streak: number | null;
  xp_delta: string | null;
  coins_delta: string | null;
  old_rank_id: number | null;
  unlocked: string[] | null;
  events: { id: string; type: EventType }[];
}

/** The progression write path used by every service. */
export function createProgression(deps: ProgressionDeps) {
  const { pool, wake, metrics } = deps;
  const now = deps.now ?? (() => new Date());
  const leaderboard = createLeaderboardCompaction(pool);

  /** Finds or creates the account of a platform identity; returns its id and whether it was new. */
  async function ensureUser(
    identity: PlatformIdentity,
    profile: Profile = {},
  ): Promise<{ userId: string; created: boolean }> {
    const sql = ensureUserSql(COLUMN[identity.platform], identity.platform);
    const params = [String(identity.id), profile.username ?? null, profile.displayName ?? null, profile.locale ?? 'ru'];
    for (let attempt = 0; attempt < 5; attempt++) {
      const { rows } = await pool.query<{ id: string; created: boolean }>({
        name: `ensure-user-${identity.platform}`,
        text: sql,
        values: params,
      });
      if (rows[0]) {
        if (rows[0].created) wake.signal();
        return { userId: rows[0].id, created: rows[0].created };
      }
      // A concurrent registration committed after this statement's snapshot: look again.
    }
    throw new Error(`Could not find or create the ${identity.platform} player ${identity.id}`);
  }

  async function run(player: Player, change: ProgressChange, profile?: Profile): Promise<ProgressRow> {
    const column: IdentityColumn = 'userId' in player ? 'id' : COLUMN[player.platform];
    let key = 'userId' in player ? player.userId : String(player.id);
    const today = utcDay(now());
    const values = progressParams(key, change, today);
    for (let attempt = 0; ; attempt++) {
      let row: ProgressRow;
      try {
        ({
          rows: [row],
        } = await pool.query<ProgressRow>({ name: `progress-${column}`, text: progressSql(column), values }));
      } catch (err) {
        // Two changes with one dedupe key raced; the loser retries and sees the winner's result.
        if ((err as { code?: string }).code === UNIQUE_VIOLATION && change.dedupeKey && attempt < 3) continue;
        throw err;
      }
      if (row.user_id !== null) return row;
      if ('userId' in player) {
        // A merged account's id: the change goes to the account it was merged into.
        const live = attempt < 3 ? await resolveUserId(pool, key) : null;
        if (live === null || live === key) throw new UnknownPlayerError(player.userId);
        key = live;
        values[0] = live;
        continue;
      }
      if (attempt >= 3) throw new Error(`Could not find or create the ${player.platform} player ${player.id}`);
      await ensureUser(player, profile);
    }
  }

  function result(row: ProgressRow): ProgressResult {
    if (row.duplicate_of) {
      const first = row.duplicate_of;
      return {
        status: 'duplicate',
        userId: row.user_id!,
        xp: Number(first.xp ?? row.xp_before),
        coins: Number(first.coins ?? row.coins_before),
        rankId: Number(first.rank_id ?? 0),
        xpDelta: Number(first.xp_delta ?? 0),
        coinsDelta: Number(first.coins_delta ?? 0),
        seasonXp: 0,
        dailyStreak: 0,
        previousRankId: Number(first.rank_id ?? 0),
        achievementsUnlocked: [],
        events: [],
      };
    }
    return {
      status: 'ok',
      userId: row.user_id!,
      xp: Number(row.xp),
      coins: Number(row.coins),
      rankId: row.rank_id!,
      xpDelta: Number(row.xp_delta),
      coinsDelta: Number(row.coins_delta),
      seasonXp: Number(row.current_season_xp),
      dailyStreak: row.daily_streak!,
      previousRankId: row.old_rank_id!,
      achievementsUnlocked: row.unlocked ?? [],
      events: row.events,
    };
  }

  function refused(row: ProgressRow, change: ProgressChange): never {
    const coins = Number(row.coins_before);
    if (coins + change.coins < 0) throw new InsufficientBalanceError('coins', coins, -change.coins);
    const xp = Number(row.xp_before);
    throw new InsufficientBalanceError('xp', xp, -change.xp);
  }

  function changeOf(input: AwardInput): ProgressChange {
    const stats = {
      games_played: input.stats?.games_played ?? 0,
      games_won: input.stats?.games_won ?? 0,
      messages_sent: input.stats?.messages_sent ?? 0,
      total_voice_time: input.stats?.total_voice_time ?? 0,
    };
    for (const [name, value] of Object.entries({ xp: input.xp ?? 0, coins: input.coins ?? 0, ...stats })) {
      if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a whole number, got ${value}`);
    }
    if (Object.values(stats).some((v) => v < 0)) throw new RangeError('stat deltas cannot be negative');
    if (stats.games_won > stats.games_played) throw new RangeError('games won cannot exceed games played');
    if (input.dedupeKey !== undefined && !input.xp && !input.coins && !input.activity) {
      throw new RangeError('a dedupe key needs a change that records an event (xp, coins or an activity)');
    }
    return {
      xp: input.xp ?? 0,
      coins: input.coins ?? 0,
      stats,
      reason: input.reason,
      source: input.source,
      dedupeKey: input.dedupeKey ?? null,
      activity: input.activity ?? null,
      daily: false,
    };
  }

  function observe(res: ProgressResult, source: SourcePlatform) {
    if (res.status !== 'ok') return;
    if (res.events.length > 0) wake.signal();
    if (res.xpDelta !== 0) leaderboard.signal();
    if (res.xpDelta > 0 && source !== 'system') metrics?.xpAwarded.inc({ platform: source }, res.xpDelta);
  }

  /**
   * Applies XP, coins and stat deltas as one atomic change. Throws InsufficientBalanceError
   * (changing nothing) when coins or XP would go negative.
   */
  async function award(input: AwardInput): Promise<ProgressResult> {
    const change = changeOf(input);
    const row = await run(input.player, change, input.profile);
    if (!row.duplicate_of && row.xp === null) refused(row, change);
    const res = result(row);
    observe(res, input.source);
    return res;
  }

  /** Records a finished game: games played (and won), with its XP and coins. */
  function recordGame(input: {
    player: Player;
    game: string;
    won: boolean;
    xp: number;
    coins: number;
    source: SourcePlatform;
    dedupeKey?: string;
    profile?: Profile;
  }): Promise<ProgressResult> {
    return award({
      player: input.player,
      xp: input.xp,
      coins: input.coins,
      stats: { games_played: 1, games_won: input.won ? 1 : 0 },
      reason: 'game',
      source: input.source,
      dedupeKey: input.dedupeKey,
      activity: { type: 'game_played', data: { game: input.game, won: input.won } },
      profile: input.profile,
    });
  }

  /**
   * The daily reward: once per UTC day. The streak grows on consecutive days and restarts
   * at 1 after a missed day; the reward grows with the streak up to a cap. A claim for a
   * day that is not after the last paid one is refused ('already_claimed'), so two
   * replicas whose clocks straddle midnight never pay one player twice.
   */
  async function claimDaily(input: {
    player: Player;
    source: SourcePlatform;
    profile?: Profile;
  }): Promise<DailyResult> {
    const change: ProgressChange = {
      ...noChange('daily', input.source),
      activity: { type: 'daily_claimed', data: {} },
      daily: true,
    };
    const row = await run(input.player, change, input.profile);
    if (row.xp === null) {
      // The day after the last claim paid, which a claim racing midnight may have stamped tomorrow.
      const last =
        row.last_daily_claim !== null && row.last_daily_claim > utcDay(now()) ? row.last_daily_claim : utcDay(now());
      return {
        status: 'already_claimed',
        userId: row.user_id!,
        nextClaimAt: nextDailyClaimAt(new Date(`${last}T00:00:00Z`)),
      };
    }
    const res = result(row) as ProgressResult & { status: 'ok' };
    observe(res, input.source);
    return res;
  }

  /**
   * Turns the player's notifications on one platform on or off, through the event log like
   * every other change; true when the preference changed.
   */
  async function changeNotifications(input: NotificationsChange): Promise<boolean> {
    const changed = await setNotifications(pool, input);
    if (changed) wake.signal();
    return changed;
  }

  /**
   * Counts a flush of Discord messages (see message-batch.ts) and then, like every award,
   * wakes the worker, folds the leaderboard and counts the XP.
   */
  async function recordMessages(
    batch: MemberMessages[],
    options: MessageBatchOptions,
    known?: Set<string>,
  ): Promise<MessageBatchResult> {
    const result = await recordMessageBatch(pool, batch, options, known);
    if (result.events > 0 || result.created > 0) wake.signal();
    if (result.xp > 0) {
      leaderboard.signal();
      metrics?.xpAwarded.inc({ platform: 'discord' }, result.xp);
    }
    return result;
  }

  return { ensureUser, award, recordGame, claimDaily, recordMessages, setNotifications: changeNotifications };
}

export type Progression = ReturnType<typeof createProgression>;
