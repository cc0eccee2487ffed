import type { Pool } from 'pg';
import { nextDailyClaimAt, utcDay } from '../progression/rewards';

export interface DailyStatus {
  claimedToday: boolean;
  /**
   * The streak the next claim continues: the stored streak while it is alive (claimed today
   * or yesterday), 0 once a day was missed.
   */
  streak: number;
  /** When the next reward can be claimed: now when it is waiting, else the next UTC midnight. */
  nextClaimAt: Date;
}

const SQL = `SELECT daily_streak, last_daily_claim FROM unified_users WHERE id = $1::bigint AND merged_into IS NULL`;

/** Today's daily reward as the player sees it, by the caller's clock. Null when the id is not a live account. */
export async function findDailyStatus(pool: Pool, userId: string, now: Date): Promise<DailyStatus | null> {
  const { rows } = await pool.query<{ daily_streak: number; last_daily_claim: string | null }>({
    name: 'daily-status',
    text: SQL,
    values: [userId],
  });
  const r = rows[0];
  if (!r) return null;
  const today = utcDay(now);
  const yesterday = utcDay(new Date(now.getTime() - 86_400_000));
  const claimedToday = r.last_daily_claim === today;
  const alive = claimedToday || r.last_daily_claim === yesterday;
  return { claimedToday, streak: alive ? r.daily_streak : 0, nextClaimAt: claimedToday ? nextDailyClaimAt(now) : now };
}

/** The wait until `at` as the bots say it: whole hours and minutes, rounded up, at least a minute. */
export function dailyWait(at: Date, now: Date): { hours: number; minutes: number } {
  const minutes = Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 60_000));
  return { hours: Math.floor(minutes / 60), minutes: minutes % 60 };
}
