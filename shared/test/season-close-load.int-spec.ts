import { closeSeason, createLinking, createProgression, createWake } from '@ttfd/shared';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 16 });
});
afterAll(async () => {
  await db.drop();
});

const PLAYERS = 100_000;
const PAIRS = 20;
const TELEGRAM = 300_000_000;
const DISCORD = 820_000_000_000_000_000n;

async function totalSeasonXp(): Promise<number> {
  const { rows } = await db.pool.query(
    `SELECT (SELECT coalesce(sum(current_season_xp), 0) FROM unified_users)::bigint
          + (SELECT coalesce(sum(season_xp), 0) FROM season_results)::bigint AS total`,
  );
  return Number(rows[0].total);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

describe('closing a season of 100,000 players', () => {
  // A load test: 100,000 players archived while awards and merges run (a few seconds on a
  // quiet machine, much longer on a busy one), hence its own time limit.
  const LOAD_TEST_TIMEOUT_MS = 240_000;
  it(
    'lets awards through within a batch, and merges run alongside without a deadlock',
    async () => {
      const wake = createWake(db.pool);
      const progression = createProgression({ pool: db.pool, wake });
      const linking = createLinking({ pool: db.pool, wake });
      await db.pool.query(
        `INSERT INTO unified_users (telegram_id, primary_platform, xp, current_season_xp)
       SELECT $1::bigint + g, 'telegram', 0, 1 + (g * 7919) % 5000 FROM generate_series(1, $2::int) g`,
        [TELEGRAM, PLAYERS],
      );
      // Statistics, as a live table of this size has them (the close's plans depend on them).
      await db.pool.query('ANALYZE unified_users');
      // Discord players with progress, each about to merge with a Telegram player who asked.
      const asked: { token: string; by: { platform: 'telegram'; id: number } }[] = [];
      for (let i = 1; i <= PAIRS; i++) {
        const discord = { platform: 'discord' as const, id: String(DISCORD + BigInt(i)) };
        await progression.award({ player: discord, xp: 100 + i, reason: 'quest', source: 'discord' });
        const telegram = { platform: 'telegram' as const, id: TELEGRAM + i * 97 };
        const { code } = await linking.createLinkCode(discord);
        const question = await linking.redeemLinkCode(telegram, code);
        if (question.status !== 'needs_confirmation') throw new Error(question.status);
        asked.push({ token: question.confirmToken, by: telegram });
      }
      const before = await totalSeasonXp();

      let closing = true;
      const latencies: number[] = [];
      let awarded = 0;
      const awards = async (lane: number) => {
        for (let i = 0; closing; i++) {
          const id = TELEGRAM + 1 + ((lane * 50_021 + i * 7_927) % PLAYERS);
          const started = performance.now();
          await progression.award({
            player: { platform: 'telegram', id },
            xp: 2,
            reason: 'message',
            source: 'telegram',
          });
          latencies.push(performance.now() - started);
          awarded += 2;
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      const merges = async () => {
        const results = [];
        for (const { token, by } of asked) {
          await new Promise((r) => setTimeout(r, 20));
          results.push(await linking.confirmMerge({ confirmToken: token, by }));
        }
        return results;
      };

      const started = performance.now();
      const close = closeSeason(db.pool, wake).finally(() => {
        closing = false;
      });
      const lanes = [awards(0), awards(1)];
      const merged = merges();
      const result = await close;
      const closeMs = performance.now() - started;
      await Promise.all(lanes);

      expect(result.ranked).toBe(PLAYERS + PAIRS);
      expect((await merged).map((r) => r.status)).toEqual(Array(PAIRS).fill('merged'));
      const sorted = [...latencies].sort((a, b) => a - b);
      const figures = {
        closeMs: Math.round(closeMs),
        awards: sorted.length,
        p50: Math.round(percentile(sorted, 0.5)),
        p99: Math.round(percentile(sorted, 0.99)),
        max: Math.round(sorted.at(-1)!),
      };
      process.stderr.write(`season close of ${PLAYERS} players with awards flowing: ${JSON.stringify(figures)}\n`);
      expect(sorted.length).toBeGreaterThan(20);
      // An award waits for at most one batch of the close (a hundredth of it), never for the whole close.
      expect(figures.max).toBeLessThan(closeMs / 4);
      expect(figures.p99).toBeLessThan(closeMs / 10);
      // Nothing lost: what was archived plus what the new season holds is what there was plus what was awarded.
      expect(await totalSeasonXp()).toBe(before + awarded);
      const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM season_results`);
      expect(rows[0].n).toBe(PLAYERS + PAIRS);
    },
    LOAD_TEST_TIMEOUT_MS,
  );
});
