/**
 * Accounts as linking sees them: normalised identities, the live account an id resolves
 * to, an account's summary, and the transaction every linking change runs in.
 */
import type { Pool, PoolClient } from 'pg';
import { PLATFORMS, type Platform, type PlatformIdentity, type SourcePlatform } from '../platform';
import type { EventData, EventType } from '../events/event-types';
import { noChange, progressParams, progressSql } from '../progression/progress.sql';
import { utcDay } from '../progression/rewards';
import { ACCOUNT_SQL, APPEND_EVENTS_SQL, LOCK_ACCOUNT_SQL, ownerOfSql } from './identity.sql';
import { USER_ID } from '../progression/resolve-user';

type Db = Pool | PoolClient;

/** A platform identity in the form it is stored and compared in. */
export interface LinkedIdentity {
  platform: Platform;
  /** Telegram: decimal id; Discord: snowflake; website: lower-case email. */
  id: string;
}

/** What a player has on one account, for previews and replies. */
export interface AccountSummary {
  userId: string;
  username: string | null;
  displayName: string | null;
  xp: number;
  coins: number;
  rankId: number;
  rankName: string;
  gamesPlayed: number;
  gamesWon: number;
  messagesSent: number;
  /** Seconds. */
  totalVoiceTime: number;
  seasonXp: number;
  dailyStreak: number;
  achievements: string[];
  platforms: Platform[];
  primaryPlatform: Platform;
  createdAt: Date;
}

export interface AccountRow {
  id: string;
  telegram_id: string | null;
  discord_id: string | null;
  website_email: string | null;
  username: string | null;
  display_name: string | null;
  xp: string;
  coins: string;
  rank_id: number;
  rank_name: string;
  games_played: number;
  games_won: number;
  messages_sent: string;
  total_voice_time: string;
  current_season_xp: string;
  daily_streak: number;
  achievements: string[];
  platforms: Platform[];
  primary_platform: Platform;
  created_at: Date;
  merged_into: string | null;
}

const TELEGRAM_ID = /^[1-9][0-9]{0,18}$/;
const DISCORD_ID = /^[0-9]{1,20}$/;
const EMAIL = /^[^@\s]+@[^@\s]+$/;

/** Validates and normalises an identity; a malformed one is a caller's bug, so it throws. */
export function normaliseIdentity(identity: PlatformIdentity): LinkedIdentity {
  const raw = String(identity.id).trim();
  const ok =
    identity.platform === 'telegram'
      ? TELEGRAM_ID.test(raw)
      : identity.platform === 'discord'
        ? DISCORD_ID.test(raw)
        : identity.platform === 'website' && EMAIL.test(raw);
  if (!ok) throw new RangeError(`Not a valid ${identity.platform} identity: ${JSON.stringify(identity.id)}`);
  return { platform: identity.platform, id: identity.platform === 'website' ? raw.toLowerCase() : raw };
}

export function assertUserId(id: string): void {
  if (!USER_ID.test(id)) throw new RangeError(`Not an account id: ${JSON.stringify(id)}`);
}

/** The identity an account holds on a platform, normalised, or null. */
export function identityOn(row: AccountRow, platform: Platform): string | null {
  const value = platform === 'telegram' ? row.telegram_id : platform === 'discord' ? row.discord_id : row.website_email;
  return value === null ? null : platform === 'website' ? value.toLowerCase() : value;
}

export function holds(row: AccountRow, identity: LinkedIdentity): boolean {
  return identityOn(row, identity.platform) === identity.id;
}

export function summarise(row: AccountRow): AccountSummary {
  return {
    userId: row.id,
    username: row.username,
    displayName: row.display_name,
    xp: Number(row.xp),
    coins: Number(row.coins),
    rankId: row.rank_id,
    rankName: row.rank_name,
    gamesPlayed: row.games_played,
    gamesWon: row.games_won,
    messagesSent: Number(row.messages_sent),
    totalVoiceTime: Number(row.total_voice_time),
    seasonXp: Number(row.current_season_xp),
    dailyStreak: row.daily_streak,
    achievements: [...row.achievements].sort(),
    platforms: PLATFORMS.filter((p) => row.platforms.includes(p)),
    primaryPlatform: row.primary_platform,
    createdAt: row.created_at,
  };
}

export async function ownerOf(db: Db, identity: LinkedIdentity): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(ownerOfSql(identity.platform), [identity.id]);
  return rows[0]?.id ?? null;
}

export async function readAccount(
  db: Db,
  userId: string,
  options: { lock?: boolean } = {},
): Promise<AccountRow | null> {
  const { rows } = await db.query<AccountRow>(options.lock ? LOCK_ACCOUNT_SQL : ACCOUNT_SQL, [userId]);
  return rows[0] ?? null;
}

export type NewEvent = { [T in EventType]: { type: T; data: EventData[T] } }[EventType];

/** Appends events to an account, in order; returns how many. */
export async function appendEvents(
  client: PoolClient,
  userId: string,
  source: SourcePlatform,
  events: NewEvent[],
): Promise<number> {
  if (events.length === 0) return 0;
  const { rowCount } = await client.query(APPEND_EVENTS_SQL, [userId, source, JSON.stringify(events)]);
  return rowCount ?? 0;
}

/**
 * Runs the progression statement with zero deltas on an account whose row this
 * transaction already holds: it recomputes the rank from XP and unlocks what the account
 * now qualifies for (rank achievements, 'all_platforms' from the linked platforms, counter
 * achievements after a merge), appending rank_up and achievement_unlocked events exactly
 * as an award would. Returns what it unlocked and how many events it appended.
 */
export async function evaluateProgress(
  client: PoolClient,
  userId: string,
  source: SourcePlatform,
  now: Date,
): Promise<{ unlocked: string[]; appended: number }> {
  const values = progressParams(userId, noChange('link', source), utcDay(now));
  const { rows } = await client.query<{ user_id: string | null; unlocked: string[] | null; events: unknown[] }>({
    name: 'progress-id',
    text: progressSql('id'),
    values,
  });
  const row = rows[0];
  if (!row?.user_id) throw new Error(`Account ${userId} vanished while its row was locked`);
  return { unlocked: row.unlocked ?? [], appended: row.events.length };
}

const UNIQUE_VIOLATION = '23505';
const DEADLOCK = '40P01';
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * How long a linking change waits for any one lock. The sync worker holds its claimed
 * events for a whole delivery, and a merge re-points the absorbed account's events while
 * holding both players' rows: rather than stall both players for a lease, the merge gives
 * up and the player is told to try again (LinkBusyError).
 */
export const LINK_LOCK_TIMEOUT_MS = 2000;

/** A lock stayed taken past LINK_LOCK_TIMEOUT_MS; nothing changed and trying again is safe. */
export class LinkBusyError extends Error {
  constructor() {
    super(`The accounts are busy (a lock was held past ${LINK_LOCK_TIMEOUT_MS} ms); try again in a few seconds`);
    this.name = 'LinkBusyError';
  }
}

/**
 * BEGIN, run, then COMMIT when `keep(result)` (default: always) or ROLLBACK otherwise; an
 * error rolls back and is rethrown. A connection that cannot roll back is discarded.
 * Every lock is waited for at most LINK_LOCK_TIMEOUT_MS (then LinkBusyError).
 */
export async function transaction<T>(
  pool: Pool,
  run: (client: PoolClient) => Promise<T>,
  keep: (result: T) => boolean = () => true,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL lock_timeout = ${LINK_LOCK_TIMEOUT_MS}`);
    const result = await run(client);
    await client.query(keep(result) ? 'COMMIT' : 'ROLLBACK');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((e: Error) => {
      broken = e;
    });
    if ((err as { code?: string }).code === LOCK_NOT_AVAILABLE) throw new LinkBusyError();
    throw err;
  } finally {
    client.release(broken);
  }
}

/**
 * Runs `attempt` inside a savepoint. If it throws a retryable conflict (a unique identity
 * taken meanwhile, a deadlock) or returns `undefined` (state changed under it), the
 * savepoint is rolled back, releasing its row locks, and the attempt runs again.
 */
export async function retrying<T>(client: PoolClient, attempt: () => Promise<T | undefined>, times = 5): Promise<T> {
  for (let i = 0; i < times; i++) {
    await client.query('SAVEPOINT attempt');
    try {
      const result = await attempt();
      if (result !== undefined) {
        await client.query('RELEASE SAVEPOINT attempt');
        return result;
      }
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== UNIQUE_VIOLATION && code !== DEADLOCK) throw err;
    }
    await client.query('ROLLBACK TO SAVEPOINT attempt');
  }
  throw new Error('Linking kept conflicting with concurrent changes; try again');
}
