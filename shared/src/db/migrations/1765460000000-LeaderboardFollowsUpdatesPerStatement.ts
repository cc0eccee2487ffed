import type { MigrationInterface, QueryRunner } from 'typeorm';
import { LEADERBOARD_BLOCK_BITS } from './1764600000000-LeaderboardScores';

/**
 * Changes of XP, season XP and merge state enter the leaderboard's change log once per
 * UPDATE statement, from its transition tables, instead of once per row: the same sums,
 * grouped. A batched write (a flush of Discord messages updates thousands of players in
 * one statement) no longer runs a PL/pgSQL call and an INSERT per player. A row whose
 * scores did not change adds -1 and +1 at the same score, which cancel out.
 */
export class LeaderboardFollowsUpdatesPerStatement1765460000000 implements MigrationInterface {
  name = 'LeaderboardFollowsUpdatesPerStatement1765460000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION leaderboard_follow_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO leaderboard_changes (board, score, block, delta)
        SELECT b.board, b.score, c.id >> ${LEADERBOARD_BLOCK_BITS}, sum(c.delta)
        FROM (
          SELECT id, xp, current_season_xp, -1 AS delta FROM old_rows WHERE merged_into IS NULL
          UNION ALL
          SELECT id, xp, current_season_xp, 1 FROM new_rows WHERE merged_into IS NULL
        ) c
        CROSS JOIN LATERAL (VALUES ('overall', c.xp), ('season', c.current_season_xp)) AS b (board, score)
        GROUP BY 1, 2, 3
        HAVING sum(c.delta) <> 0;
        RETURN NULL;
      END $$`);
    await q.query(`DROP TRIGGER leaderboard_follow_update ON unified_users`);
    await q.query(`
      CREATE TRIGGER leaderboard_follow_update AFTER UPDATE ON unified_users
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION leaderboard_follow_updated()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER leaderboard_follow_update ON unified_users`);
    await q.query(`
      CREATE TRIGGER leaderboard_follow_update AFTER UPDATE ON unified_users FOR EACH ROW
      WHEN (OLD.xp IS DISTINCT FROM NEW.xp OR OLD.current_season_xp IS DISTINCT FROM NEW.current_season_xp
            OR OLD.merged_into IS DISTINCT FROM NEW.merged_into)
      EXECUTE FUNCTION leaderboard_follow()`);
    await q.query(`DROP FUNCTION leaderboard_follow_updated()`);
  }
}
