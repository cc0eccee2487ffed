import path from 'node:path';
import type { Pool } from 'pg';
import {
  killSpawned,
  sleep,
  spawnMain,
  startFakeTelegram,
  startRestartablePostgres,
  waitUntil,
  type FakeTelegram,
  type RestartablePostgres,
} from '@ttfd/testing';
import { TOKEN } from './harness';
import { messageUpdate, telegramUser } from './updates';

const MAIN = path.resolve(__dirname, '../src/main.ts');
const PAID = 'Ежедневная награда: +50';
const SORRY = 'Что-то пошло не так. Попробуйте ещё раз чуть позже.';
const ALREADY = 'Награда за сегодня уже получена.';

let pg: RestartablePostgres;
let fake: FakeTelegram;
let url: string;
let pool: Pool;

beforeAll(async () => {
  [pg, fake] = await Promise.all([startRestartablePostgres(), startFakeTelegram()]);
  ({ url, pool } = await pg.migratedDatabase());
}, 120_000);
afterAll(async () => {
  killSpawned();
  await pool?.end();
  await fake?.close();
  pg?.stop();
});

it('answers every update while PostgreSQL restarts and is killed; a player told to retry is paid once on retry', async () => {
  const bot = spawnMain(MAIN, {
    DATABASE_URL: url,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: fake.url,
    PORT: '0',
    LOG_LEVEL: 'info',
  });
  await bot.logged('telegram bot up (long polling)');
  const port = Number(/"port":(\d+)[^\n]*serving \/healthz/.exec(bot.output())![1]);
  const readyz: number[] = [];
  const probe = setInterval(() => {
    fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => readyz.push(r.status),
      () => readyz.push(0),
    );
  }, 50);

  // A steady stream of new players claiming their daily reward, across both outages.
  const players: number[] = [];
  let loading = true;
  const load = (async () => {
    for (let id = 9_700_000; loading; id++) {
      players.push(id);
      fake.pushUpdate(messageUpdate(telegramUser(id), '/daily'));
      await sleep(20);
    }
  })();
  const replies = (id: number) => fake.callsOf('sendMessage', id).map((c) => String(c.params.text));
  try {
    await sleep(1_000);
    await pg.restart('fast');
    await sleep(1_000);
    await pg.restart('immediate');
    await sleep(1_000);
  } finally {
    loading = false;
    await load;
    clearInterval(probe);
  }
  await waitUntil(() => players.every((id) => replies(id).length > 0), 60_000, 'an answer to every update');

  // Exactly one answer each: the reward, or (while the database was away) the apology.
  expect(players.filter((id) => replies(id).length !== 1)).toEqual([]);
  const paid = players.filter((id) => replies(id)[0]!.includes(PAID));
  const sorry = players.filter((id) => replies(id)[0] === SORRY);
  expect(paid.length + sorry.length).toBe(players.length);
  expect(sorry.length).toBeGreaterThan(0);
  expect(paid.length).toBeGreaterThan(0);

  // The database has what the players were told: 50 XP for each one paid, nothing for the
  // rest, but for a claim whose COMMIT the server made just as it went away: the bot never
  // heard back, so it could only apologise, though the reward is the player's.
  const xpOf = async (ids: number[]) =>
    (
      await pool.query<{ telegram_id: string; xp: string }>(
        `SELECT telegram_id, xp FROM unified_users WHERE telegram_id = ANY($1::bigint[])`,
        [ids],
      )
    ).rows;
  expect((await xpOf(paid)).filter((r) => r.xp !== '50')).toEqual([]);
  expect(await xpOf(paid)).toHaveLength(paid.length);
  const sorryXp = new Map((await xpOf(sorry)).map((r) => [Number(r.telegram_id), r.xp]));
  const inDoubt = sorry.filter((id) => sorryXp.get(id) === '50');
  expect(sorry.filter((id) => !inDoubt.includes(id) && (sorryXp.get(id) ?? '0') !== '0')).toEqual([]);
  expect(inDoubt.length).toBeLessThan(sorry.length);

  // Those asked to try again do, once the database is back: paid once, the reward not
  // doubled; one whose claim was made after all is told today's reward is already theirs.
  for (const id of sorry) fake.pushUpdate(messageUpdate(telegramUser(id), '/daily'));
  await waitUntil(() => sorry.every((id) => replies(id).length === 2), 30_000, 'the retried claims');
  expect(sorry.filter((id) => !replies(id)[1]!.includes(inDoubt.includes(id) ? ALREADY : PAID))).toEqual([]);
  const all = await xpOf(players);
  expect(all).toHaveLength(players.length);
  expect(all.filter((r) => r.xp !== '50')).toEqual([]);
  const { rows: claims } = await pool.query(
    `SELECT count(*)::int AS n FROM cross_platform_events e JOIN unified_users u ON u.id = e.user_id
     WHERE u.telegram_id = ANY($1::bigint[]) AND e.event_type = 'daily_claimed'`,
    [players],
  );
  expect(claims[0].n).toBe(players.length);

  // /readyz said so while the database was away, and is back.
  expect(readyz.filter((s) => s !== 200).length).toBeGreaterThan(0);
  const now = await fetch(`http://127.0.0.1:${port}/readyz`);
  expect(now.status).toBe(200);

  // With the database back, every new player is paid at the first try.
  const after = [9_800_001, 9_800_002, 9_800_003];
  for (const id of after) fake.pushUpdate(messageUpdate(telegramUser(id), '/daily'));
  await waitUntil(() => after.every((id) => replies(id).length > 0), 30_000, 'answers after the outage');
  expect(after.map((id) => replies(id))).toEqual(after.map(() => [expect.stringContaining(PAID)]));

  bot.child.kill('SIGTERM');
  expect(await bot.exited).toBe(0);
}, 120_000);
