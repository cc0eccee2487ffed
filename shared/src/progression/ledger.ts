import type { Pool } from 'pg';

export interface LedgerMismatch {
  userId: string;
  xp: number;
  ledgerXp: number;
}

/**
 * Every account's XP must equal the sum of its `xp_change` deltas. Returns the accounts
 * where it does not (none on a healthy database).
 */
export async function findLedgerMismatches(pool: Pool): Promise<{ checked: number; mismatches: LedgerMismatch[] }> {
  const { rows } = await pool.query<{ id: string; xp: string; ledger_xp: string; mismatch: boolean }>(`
    SELECT u.id, u.xp, coalesce(l.total, 0) AS ledger_xp, u.xp <> coalesce(l.total, 0) AS mismatch
    FROM unified_users u
    LEFT JOIN (
      SELECT user_id, sum((data->>'xp_delta')::bigint) AS total
      FROM cross_platform_events
      WHERE event_type = 'xp_change'
      GROUP BY user_id
    ) l ON l.user_id = u.id
    ORDER BY u.id`);
  return {
    checked: rows.length,
    mismatches: rows
      .filter((r) => r.mismatch)
      .map((r) => ({ userId: r.id, xp: Number(r.xp), ledgerXp: Number(r.ledger_xp) })),
  };
}
