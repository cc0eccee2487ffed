import type { Pool } from 'pg';

/** True when a change with this dedupe key was already recorded (a redelivered update or message). */
export async function wasRecorded(pool: Pool, dedupeKey: string): Promise<boolean> {
  const { rowCount } = await pool.query({
    name: 'was-recorded',
    text: 'SELECT 1 FROM cross_platform_events WHERE dedupe_key = $1',
    values: [dedupeKey],
  });
  return (rowCount ?? 0) > 0;
}
