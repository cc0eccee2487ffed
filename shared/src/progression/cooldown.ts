import type { Pool } from 'pg';

export type CooldownCheck = { ok: true } | { ok: false; retryInSeconds: number };

/**
 * Reserves one `activity` (e.g. a dice game) for the player now, or says how long to wait.
 * Kept in the database, so every replica and every platform sees the same cooldown, and of
 * two updates racing exactly one gets the slot.
 */
export async function takeCooldown(
  pool: Pool,
  userId: string,
  activity: string,
  seconds: number,
): Promise<CooldownCheck> {
  const { rowCount } = await pool.query({
    name: 'take-cooldown',
    text: `INSERT INTO activity_cooldowns AS c (user_id, activity, available_at)
           VALUES ($1, $2, now() + make_interval(secs => $3))
           ON CONFLICT (user_id, activity) DO UPDATE SET available_at = EXCLUDED.available_at
           WHERE c.available_at <= now()`,
    values: [userId, activity, seconds],
  });
  if (rowCount === 1) return { ok: true };
  const { rows } = await pool.query<{ wait: number }>(
    `SELECT greatest(1, ceil(extract(epoch FROM available_at - now())))::int AS wait
     FROM activity_cooldowns WHERE user_id = $1 AND activity = $2`,
    [userId, activity],
  );
  return { ok: false, retryInSeconds: rows[0]?.wait ?? 1 };
}

/** Gives the slot back when the activity could not happen (the platform failed). */
export async function releaseCooldown(pool: Pool, userId: string, activity: string): Promise<void> {
  await pool.query(`UPDATE activity_cooldowns SET available_at = now() WHERE user_id = $1 AND activity = $2`, [
    userId,
    activity,
  ]);
}
