import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How many live players hold each score above zero, per board, so that a player's
 * position is a sum over the distinct scores above theirs (plus the ties with a lower id)
 * instead of a count of every player ahead (see views/leaderboard.ts).
 *
 * A trigger on every change of XP, season XP or merge state (whatever statement makes it)
 * only INSERTs the change into `leaderboard_score_changes`: writers never wait for each
 * other on a shared counter row (updating the counters in place serialised concurrent
 * awards of players at nearby scores, and timed out the 2,000-award concurrency test).
 * `leaderboard_compact()` folds the changes into `leaderboard_scores` in one transaction;
 * readers add the changes not folded yet, so every count is exact at any moment.
 * Zero is left out: most players sit there; a viewer at zero counts the players above it.
 */
export class LeaderboardScores1764600000000 implements MigrationInterface {
  name = 'LeaderboardScores1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE leaderboard_scores (
        board text NOT NULL CHECK (board IN ('overall', 'season')),
        score bigint NOT NULL CHECK (score > 0),
        players bigint NOT NULL,
        PRIMARY KEY (board, score)
      )`);
    await q.query(`
      CREATE TABLE leaderboard_score_changes (
        board text NOT NULL,
        score bigint NOT NULL,
        delta integer NOT NULL
      )`);
    await q.query(
      `CREATE INDEX leaderboard_score_changes_idx ON leaderboard_score_changes (board, score) INCLUDE (delta)`,
    );
    await q.query(`
      INSERT INTO leaderboard_scores (board, score, players)
      SELECT 'overall', xp, count(*) FROM unified_users WHERE merged_into IS NULL AND xp > 0 GROUP BY xp
      UNION ALL
      SELECT 'season', current_season_xp, count(*) FROM unified_users
      WHERE merged_into IS NULL AND current_season_xp > 0 GROUP BY current_season_xp`);
    await q.query(`
      CREATE FUNCTION leaderboard_scores_follow() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        old_xp bigint; old_season bigint; new_xp bigint; new_season bigint;
      BEGIN
        IF TG_OP <> 'INSERT' AND OLD.merged_into IS NULL THEN
          old_xp := OLD.xp; old_season := OLD.current_season_xp;
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.merged_into IS NULL THEN
          new_xp := NEW.xp; new_season := NEW.current_season_xp;
        END IF;
        INSERT INTO leaderboard_score_changes (board, score, delta)
        SELECT c.board, c.score, sum(c.delta)
        FROM (VALUES ('overall', old_xp, -1), ('season', old_season, -1),
                     ('overall', new_xp, 1), ('season', new_season, 1)) AS c (board, score, delta)
        WHERE c.score > 0
        GROUP BY c.board, c.score
        HAVING sum(c.delta) <> 0;
        RETURN NULL;
      END $$`);
    // One compactor at a time (the others return at once); counters are upserted in key
    // order, so a compactor never deadlocks with anything.
    await q.query(`
      CREATE FUNCTION leaderboard_compact() RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE
        folded bigint;
      BEGIN
        IF NOT pg_try_advisory_xact_lock(1764600000) THEN
          RETURN 0;
        END IF;
        WITH moved AS (
          DELETE FROM leaderboard_score_changes RETURNING board, score, delta
        ),
        summed AS (
          INSERT INTO leaderboard_scores AS s (board, score, players)
          SELECT board, score, sum(delta) FROM moved
          GROUP BY board, score HAVING sum(delta) <> 0
          ORDER BY board, score
          ON CONFLICT (board, score) DO UPDATE SET players = s.players + excluded.players
        )
        SELECT count(*) INTO folded FROM moved;
        RETURN folded;
      END $$`);
    await q.query(`
      CREATE TRIGGER leaderboard_scores_on_update AFTER UPDATE ON unified_users FOR EACH ROW
      WHEN (OLD.xp IS DISTINCT FROM NEW.xp OR OLD.current_season_xp IS DISTINCT FROM NEW.current_season_xp
            OR OLD.merged_into IS DISTINCT FROM NEW.merged_into)
      EXECUTE FUNCTION leaderboard_scores_follow()`);
    await q.query(`
      CREATE TRIGGER leaderboard_scores_on_insert AFTER INSERT ON unified_users FOR EACH ROW
      WHEN (NEW.xp > 0 OR NEW.current_season_xp > 0)
      EXECUTE FUNCTION leaderboard_scores_follow()`);
    await q.query(`
      CREATE TRIGGER leaderboard_scores_on_delete AFTER DELETE ON unified_users FOR EACH ROW
      WHEN (OLD.xp > 0 OR OLD.current_season_xp > 0)
      EXECUTE FUNCTION leaderboard_scores_follow()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER leaderboard_scores_on_delete ON unified_users`);
    await q.query(`DROP TRIGGER leaderboard_scores_on_insert ON unified_users`);
    await q.query(`DROP TRIGGER leaderboard_scores_on_update ON unified_users`);
    await q.query(`DROP FUNCTION leaderboard_compact()`);
    await q.query(`DROP FUNCTION leaderboard_scores_follow()`);
    await q.query(`DROP TABLE leaderboard_score_changes, leaderboard_scores`);
  }
}
