/**
 * `make bench BENCH=leaderboard`: the leaderboard view at 1,000,000 players on one embedded
 * PostgreSQL 18 (stock settings, fsync on):
 *   (a) the viewer's own position for the top, middle and bottom player, the first page
 *       and a deep page (page 40,000 of 10), through findLeaderboard(), median of RUNS;
 *   (b) the peer: the position as it was counted before (count(*) of every player ahead);
 *   (c) the same reads with a second's worth of changes not folded yet;
 *   (d) the write cost: award() TPS at 16 clients with the score-change trigger, without
 *       it, and with the design not taken (counters updated in place by the trigger),
 *       for awards spread over all players and for awards to 2,000 players on one score;
 *   (e) a season close of the ~600,000 players with season XP, the fold included.
 * Prints progress on stderr and one JSON line on stdout.
 */
import { closeSeason, createProgression, findLeaderboard, createPool, type LeaderboardQuery } from '@ttfd/shared';
import type { Pool } from 'pg';
import { startBenchDatabase } from './lib/bench-database';
import { loadLadder } from './lib/ladder';
import { NO_WAKE } from './lib/no-wake';

const PLAYERS = Number(process.env.PLAYERS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 15);
const SECONDS = Number(process.env.SECONDS ?? 10);
const CLIENTS = 16;
const log = (line: string) => process.stderr.write(`${line}\n`);

// The design not taken: the trigger updates the three counters in place (in key order, so
// without deadlocks) instead of appending the change.
const IN_PLACE = `
CREATE OR REPLACE FUNCTION leaderboard_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE old_xp bigint; old_season bigint; new_xp bigint; new_season bigint;
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.merged_into IS NULL THEN old_xp := OLD.xp; old_season := OLD.current_season_xp; END IF;
  IF TG_OP <> 'DELETE' AND NEW.merged_into IS NULL THEN new_xp := NEW.xp; new_season := NEW.current_season_xp; END IF;
  WITH c (board, score, delta) AS (
    SELECT * FROM (VALUES ('overall', old_xp, -1), ('season', old_season, -1), ('overall', new_xp, 1), ('season', new_season, 1)) v
    WHERE v.column2 IS NOT NULL
  ),
  cells AS (
    INSERT INTO leaderboard_cells AS t SELECT board, score, NEW.id >> 10, sum(delta) FROM c GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (board, score, block) DO UPDATE SET players = t.players + excluded.players
  ),
  scores AS (
    INSERT INTO leaderboard_scores AS t SELECT board, score, sum(delta) FROM c GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (board, score) DO UPDATE SET players = t.players + excluded.players
  )
  INSERT INTO leaderboard_bands AS t SELECT board, score >> 7, sum(delta) FROM c GROUP BY 1, 2 HAVING sum(delta) <> 0 ORDER BY 1, 2
  ON CONFLICT (board, band) DO UPDATE SET players = t.players + excluded.players;
  RETURN NULL;
END $$`;

// The in-place design follows updates row by row, as the trigger did before it followed statements.
const ROW_UPDATE_TRIGGER = `
DROP TRIGGER leaderboard_follow_update ON unified_users;
CREATE TRIGGER leaderboard_follow_update AFTER UPDATE ON unified_users FOR EACH ROW
WHEN (OLD.xp IS DISTINCT FROM NEW.xp OR OLD.current_season_xp IS DISTINCT FROM NEW.current_season_xp
      OR OLD.merged_into IS DISTINCT FROM NEW.merged_into)
EXECUTE FUNCTION leaderboard_follow()`;

// How the position was counted before: every player ahead, one by one.
const COUNT_AHEAD = `
SELECT (SELECT count(*) FROM unified_users o
        WHERE o.merged_into IS NULL AND (o.xp > u.xp OR (o.xp = u.xp AND o.id < u.id))) + 1 AS position
FROM unified_users u WHERE u.id = $1 AND u.merged_into IS NULL`;

async function median(times: number, run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await run();
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  return Math.round(ms[Math.floor(ms.length / 2)]! * 100) / 100;
}

async function reads(pool: Pool, viewers: Record<string, string>) {
  const out: Record<string, number> = {};
  const time = async (name: string, query: LeaderboardQuery) => {
    out[name] = await median(RUNS, () => findLeaderboard(pool, query));
    log(`${name.padEnd(34)} ${out[name]} ms`);
  };
  for (const [where, id] of Object.entries(viewers)) {
    await time(`position_${where}`, { board: 'overall', viewerId: id });
  }
  await time('season_position_bottom', { board: 'season', viewerId: viewers.bottom! });
  await time('page_1', { board: 'overall', viewerId: null });
  await time('page_40000', { board: 'overall', viewerId: null, offset: 399_990, limit: 10 });
  await time('season_page_40000', { board: 'season', viewerId: null, offset: 399_990, limit: 10 });
  return out;
}

async function awardTps(pool: Pool, ids: string[]): Promise<number> {
  const progression = createProgression({ pool, wake: NO_WAKE });
  let done = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const loop = async () => {
    while (Date.now() < deadline) {
      const userId = ids[Math.floor(Math.random() * ids.length)]!;
      await progression.award({ player: { userId }, xp: 5, reason: 'message', source: 'telegram' });
      done++;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CLIENTS }, loop));
  return Math.round(done / ((Date.now() - started) / 1000));
}

async function main() {
  const db = await startBenchDatabase('leaderboard', 0);
  const pool = createPool(db.url, { max: CLIENTS + 2, applicationName: 'bench-leaderboard' });
  try {
    let started = performance.now();
    await loadLadder(pool, PLAYERS);
    log(`loaded ${PLAYERS} players in ${Math.round(performance.now() - started)} ms`);

    const at = async (sql: string) => String((await pool.query(sql)).rows[0].id);
    const order = 'FROM unified_users WHERE merged_into IS NULL ORDER BY xp DESC, id';
    const viewers = {
      top: await at(`SELECT id ${order} LIMIT 1`),
      middle: await at(`SELECT id ${order} OFFSET ${Math.floor(PLAYERS / 2)} LIMIT 1`),
      bottom: await at('SELECT id FROM unified_users WHERE merged_into IS NULL ORDER BY xp, id DESC LIMIT 1'),
    };
    const { rows: scores } = await pool.query(
      `SELECT count(*) FILTER (WHERE board = 'overall')::int AS overall, count(*) FILTER (WHERE board = 'season')::int AS season,
              (SELECT count(*)::int FROM leaderboard_bands) AS bands, (SELECT count(*)::int FROM leaderboard_cells) AS cells
       FROM leaderboard_scores`,
    );
    log(`distinct scores: ${JSON.stringify(scores[0])}; viewers ${JSON.stringify(viewers)}`);

    const folded = await reads(pool, viewers);
    const countAhead: Record<string, number> = {};
    for (const [where, id] of Object.entries(viewers)) {
      countAhead[`position_${where}`] = await median(3, () => pool.query(COUNT_AHEAD, [id]));
      log(`before: count ahead, ${where.padEnd(15)} ${countAhead[`position_${where}`]} ms`);
    }

    // Writes. Spread: any of the players; hot: 2,000 players on one score, so that the
    // counters they move between are shared.
    const { rows: all } = await pool.query<{ id: string }>(
      'SELECT id FROM unified_users ORDER BY random() LIMIT 100000',
    );
    const spread = all.map((r) => r.id);
    const hot = spread.slice(0, 2000);
    await pool.query('UPDATE unified_users SET xp = 1000, current_season_xp = 1000 WHERE id = ANY($1::bigint[])', [
      hot,
    ]);
    const tps: Record<string, Record<string, number>> = { spread: {}, hot: {} };
    const triggers = (on: boolean) =>
      pool.query(`ALTER TABLE unified_users ${on ? 'ENABLE' : 'DISABLE'} TRIGGER leaderboard_follow_update`);
    const follow = (await pool.query(`SELECT pg_get_functiondef('leaderboard_follow'::regproc) AS def`)).rows[0]
      .def as string;
    const updateTrigger = (
      await pool.query(
        `SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgname = 'leaderboard_follow_update'`,
      )
    ).rows[0].def as string;
    for (const [variant, setup] of [
      ['score_changes', () => triggers(true)],
      ['no_trigger', () => triggers(false)],
      [
        'counters_in_place',
        async () => (await triggers(true), await pool.query(IN_PLACE), await pool.query(ROW_UPDATE_TRIGGER)),
      ],
    ] as const) {
      await setup();
      for (const [workload, ids] of [
        ['spread', spread],
        ['hot', hot],
      ] as const) {
        tps[workload]![variant] = await awardTps(pool, ids);
        log(`award, ${workload.padEnd(6)} ${variant.padEnd(18)} ${tps[workload]![variant]} TPS at ${CLIENTS} clients`);
      }
    }
    // The award path folds the changes 1 s after its last award: let that run end before the folds timed below.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await pool.query(follow);
    await pool.query(`DROP TRIGGER leaderboard_follow_update ON unified_users; ${updateTrigger}`);
    await triggers(false);

    // Unfolded changes as a busy second leaves them: 5,000 awards' worth, then the reads again.
    await triggers(true);
    await pool.query('SELECT leaderboard_compact()');
    // One statement per award, as awards arrive (one statement for all would be one change per score and block).
    await pool.query(
      `DO $$ DECLARE u bigint; BEGIN
         FOREACH u IN ARRAY '{${spread.slice(0, 5000).join(',')}}'::bigint[] LOOP
           UPDATE unified_users SET xp = xp + 5, current_season_xp = current_season_xp + 5 WHERE id = u;
         END LOOP;
       END $$`,
    );
    const { rows: pending } = await pool.query('SELECT count(*)::int AS n FROM leaderboard_changes');
    log(`unfolded changes: ${pending[0].n}`);
    const unfolded = await reads(pool, viewers);
    started = performance.now();
    await pool.query('SELECT leaderboard_compact()');
    const compactMs = Math.round(performance.now() - started);
    log(`compaction of ${pending[0].n} changes: ${compactMs} ms`);

    // A season close moves every player with season XP to zero: one change each, folded at the end.
    started = performance.now();
    const closed = await closeSeason(pool, NO_WAKE);
    const seasonCloseMs = Math.round(performance.now() - started);
    log(`season close of ${closed.ranked} players, fold included: ${seasonCloseMs} ms`);

    process.stdout.write(
      `${JSON.stringify({
        bench: 'leaderboard',
        players: PLAYERS,
        median_of: RUNS,
        settings: db.settings,
        distinct_scores: scores[0],
        read_ms: folded,
        read_ms_before: countAhead,
        read_ms_with_unfolded_changes: { changes: pending[0].n, ...unfolded },
        compact_ms: compactMs,
        season_close: { players: closed.ranked, ms: seasonCloseMs },
        award_tps_16_clients: tps,
      })}\n`,
    );
  } finally {
    await pool.end();
    await db.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
