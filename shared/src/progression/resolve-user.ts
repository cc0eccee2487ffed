import type { Pool, PoolClient } from 'pg';

/** An account id as stored: a positive bigint in decimal. */
export const USER_ID = /^[1-9][0-9]{0,18}$/;

/**
 * The statement that finds the live account at the end of the merged_into chain from `id`
 * (an SQL expression of type bigint; merges flatten chains, the bound is a guard): one row
 * `id`, or none. The website's session read embeds it.
 */
export const liveAccountSql = (id: string): string => `
WITH RECURSIVE chain AS (
  SELECT id, merged_into, 0 AS depth FROM unified_users WHERE id = ${id}
  UNION ALL
  SELECT u.id, u.merged_into, c.depth + 1 FROM unified_users u JOIN chain c ON u.id = c.merged_into WHERE c.depth < 32
)
SELECT id FROM chain WHERE merged_into IS NULL LIMIT 1`;

const RESOLVE_USER_SQL = liveAccountSql('$1::bigint');

/** The live account an id refers to, following merges; null if there is no such account. */
export async function resolveUserId(db: Pool | PoolClient, userId: string): Promise<string | null> {
  if (!USER_ID.test(userId)) return null;
  // Named: read on every signed-in website request, parsed and planned once per connection.
  const { rows } = await db.query<{ id: string }>({ name: 'resolve-user', text: RESOLVE_USER_SQL, values: [userId] });
  return rows[0]?.id ?? null;
}
