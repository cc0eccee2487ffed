import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Scores per band in `leaderboard_bands`: a band is `score >> LEADERBOARD_BAND_BITS`. */
export const LEADERBOARD_BAND_BITS = 7;
/** Account ids per block in `leaderboard_cells`: a block is `id >> LEADERBOARD_BLOCK_BITS`. */
export const LEADERBOARD_BLOCK_BITS = 10;

/**
 * How many live players stand where on each board, at three grains, so that a player's
 * position is a few small sums instead of a count of every player ahead of them
 * (views/leaderboard.ts): per band of 128 scores (`leaderboard_bands`), per score
 * (`leaderboard_scores`) and per score and block of 1,024 account ids
 * (`leaderboard_cells`, which breaks ties by id the way the boards do).
 *
 * A trigger on every change of XP, season XP or merge state, whatever statement makes it,
 * only INSERTs the change into `leaderboard_changes`: writers never wait on a shared
 * counter row (counters updated in place serialise the awards of players near one score;
 * see bench/README.md). `leaderboard_compact()` folds the changes into the counters in one
 * transaction, and readers add the changes not folded yet, so every count is exact.
 */
export class LeaderboardScores1764600000000 implements MigrationInterface {
  name = 'LeaderboardScores1764600000000';

  async up(q: QueryRunner): Promise<void> {
    const board = `board text NOT NULL CHECK (board IN ('overall', 'season'))`;
    await q.query(`
      CREATE TABLE leaderboard_bands (${board}, band bigint NOT NULL, players bigint NOT NULL, PRIMARY KEY (board, band))`);
    await q.query(`
      CREATE TABLE leaderboard_scores (${board}, score bigint NOT NULL, players bigint NOT NULL, PRIMARY KEY (board, score))`);
    await q.query(`
      CREATE TABLE leaderboard_cells (
        ${board}, score bigint NOT NULL, block bigint NOT NULL, players bigint NOT NULL,
        PRIMARY KEY (board, score, block)
      )`);
    await q.query(`
      CREATE TABLE leaderboard_changes (board text NOT NULL, score bigint NOT NULL, block bigint NOT NULL, delta integer NOT NULL)`);
    await q.query(`CREATE INDEX leaderboard_changes_idx ON leaderboard_changes (board, score, block) INCLUDE (delta)`);

    await q.query(`
      CREATE FUNCTION leaderboard_follow() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        old_xp bigint; old_season bigint; new_xp bigint; new_season bigint;
      BEGIN
        IF TG_OP <> 'INSERT' AND OLD.merged_into IS NULL THEN
          old_xp := OLD.xp; old_season := OLD.current_season_xp;
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.merged_into IS NULL THEN
          new_xp := NEW.xp; new_season := NEW.current_season_xp;
        END IF;
        INSERT INTO leaderboard_changes (board, score, block, delta)
        SELECT c.board, c.score, (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END) >> ${LEADERBOARD_BLOCK_BITS}, sum(c.delta)
        FROM (VALUES ('overall', old_xp, -1), ('season', old_season, -1),
                     ('overall', new_xp, 1), ('season', new_season, 1)) AS c (board, score, delta)
        WHERE c.score IS NOT NULL
        GROUP BY c.board, c.score
        HAVING sum(c.delta) <> 0;
        RETURN NULL;
      END $$`);
    // Counters at zero are dropped: a player passing through a score leaves no row behind.
    for (const table of ['leaderboard_scores', 'leaderboard_cells']) {
      await q.query(`CREATE INDEX ${table}_empty_idx ON ${table} (board) WHERE players = 0`);
    }
    // One compactor at a time (the others return at once); the counters are upserted in key
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
          DELETE FROM leaderboard_changes RETURNING board, score, block, delta
        ),
        cells AS (
          INSERT INTO leaderboard_cells AS t (board, score, block, players)
          SELECT board, score, block, sum(delta) FROM moved GROUP BY 1, 2, 3 HAVING sum(delta) <> 0 ORDER BY 1, 2, 3
          ON CONFLICT (board, score, block) DO UPDATE SET players = t.players + excluded.players
        ),
        scores AS (
          INSERT INTO leaderboard_scores AS t (board, score, players)
          SELECT board, score, sum(delta) FROM moved GROUP BY 1, 2 HAVING sum(delta) <> 0 ORDER BY 1, 2
          ON CONFLICT (board, score) DO UPDATE SET players = t.players + excluded.players
        ),
        bands AS (
          INSERT INTO leaderboard_bands AS t (board, band, players)
          SELECT board, score >> ${LEADERBOARD_BAND_BITS}, sum(delta) FROM moved GROUP BY 1, 2 HAVING sum(delta) <> 0
          ORDER BY 1, 2
          ON CONFLICT (board, band) DO UPDATE SET players = t.players + excluded.players
        )
        SELECT count(*) INTO folded FROM moved;
        DELETE FROM leaderboard_cells WHERE players = 0;
        DELETE FROM leaderboard_scores WHERE players = 0;
        RETURN folded;
      END $$`);

    // Players already here (a migrated database): counted once, then the trigger follows.
    await q.query(`
      INSERT INTO leaderboard_changes (board, score, block, delta)
      SELECT b.board, b.score, u.id >> ${LEADERBOARD_BLOCK_BITS}, 1
      FROM unified_users u
      CROSS JOIN LATERAL (VALUES ('overall', u.xp), ('season', u.current_season_xp)) AS b (board, score)
      WHERE u.merged_into IS NULL`);
    await q.query(`SELECT leaderboard_compact()`);

    await q.query(`
      CREATE TRIGGER leaderboard_follow_update AFTER UPDATE ON unified_users FOR EACH ROW
      WHEN (OLD.xp IS DISTINCT FROM NEW.xp OR OLD.current_season_xp IS DISTINCT FROM NEW.current_season_xp
            OR OLD.merged_into IS DISTINCT FROM NEW.merged_into)
      EXECUTE FUNCTION leaderboard_follow()`);
    await q.query(`
      CREATE TRIGGER leaderboard_follow_insert AFTER INSERT ON unified_users FOR EACH ROW
      EXECUTE FUNCTION leaderboard_follow()`);
    await q.query(`
      CREATE TRIGGER leaderboard_follow_delete AFTER DELETE ON unified_users FOR EACH ROW
      EXECUTE FUNCTION leaderboard_follow()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER leaderboard_follow_delete ON unified_users`);
    await q.query(`DROP TRIGGER leaderboard_follow_insert ON unified_users`);
    await q.query(`DROP TRIGGER leaderboard_follow_update ON unified_users`);
    await q.query(`DROP FUNCTION leaderboard_compact()`);
    await q.query(`DROP FUNCTION leaderboard_follow()`);
    await q.query(`DROP TABLE leaderboard_changes, leaderboard_cells, leaderboard_scores, leaderboard_bands`);
  }
}
