import type { MigrationInterface, QueryRunner } from 'typeorm';
import { LEADERBOARD_BLOCK_BITS } from './1764600000000-LeaderboardScores';

/**
 * New players enter the leaderboard's change log once per INSERT statement, from its
 * transition table, instead of once per row: the same changes, grouped, and a bulk insert
 * (the legacy import writes thousands of players a statement) no longer runs a PL/pgSQL
 * call and an INSERT per player. Updates and deletes still follow row by row.
 */
export class LeaderboardFollowsInsertsPerStatement1765320000000 implements MigrationInterface {
  name = 'LeaderboardFollowsInsertsPerStatement1765320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION leaderboard_follow_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO leaderboard_changes (board, score, block, delta)
        SELECT b.board, b.score, n.id >> ${LEADERBOARD_BLOCK_BITS}, count(*)
        FROM inserted n
        CROSS JOIN LATERAL (VALUES ('overall', n.xp), ('season', n.current_season_xp)) AS b (board, score)
        WHERE n.merged_into IS NULL
        GROUP BY 1, 2, 3;
        RETURN NULL;
      END $$`);
    await q.query(`DROP TRIGGER leaderboard_follow_insert ON unified_users`);
    await q.query(`
      CREATE TRIGGER leaderboard_follow_insert AFTER INSERT ON unified_users
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION leaderboard_follow_inserted()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER leaderboard_follow_insert ON unified_users`);
    await q.query(`
      CREATE TRIGGER leaderboard_follow_insert AFTER INSERT ON unified_users FOR EACH ROW
      EXECUTE FUNCTION leaderboard_follow()`);
    await q.query(`DROP FUNCTION leaderboard_follow_inserted()`);
  }
}
