import {
  persistently,
  DISCORD_ERRORS,
  sleep,
  startFakeDiscord,
  startFakeTelegram,
  startRestartablePostgres,
  waitUntil,
  type FakeDiscord,
  type FakeTelegram,
  type RestartablePostgres,
  type TestDatabase,
} from '@ttfd/testing';
import { addPlayers, spawnWorker, workerEnv, workerUp, type ChildWorker, type Player } from './helpers';

/*
 * The worker in its own process against a PostgreSQL server of this file's own, under a
 * steady stream of notified events for a mix of players: most reachable, some who blocked
 * the bot on Telegram (still reachable by Discord DM), some whose chats Telegram
 * rate-limits, and Discord rate-limiting DMs for a while. Mid-run the worker is killed
 * with SIGKILL and restarted, then PostgreSQL is restarted (fast) and killed (immediate).
 */

let pg: RestartablePostgres;
let telegram: FakeTelegram;
let discord: FakeDiscord;
let db: TestDatabase;
const children: ChildWorker[] = [];

beforeAll(async () => {
  [pg, telegram, discord] = await Promise.all([startRestartablePostgres(), startFakeTelegram(), startFakeDiscord()]);
  const { url, pool } = await pg.migratedDatabase();
  db = { url, pool, drop: async () => {} } as unknown as TestDatabase;
}, 120_000);
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
  await db?.pool.end();
  await Promise.all([telegram?.close(), discord?.close()]);
  pg?.stop();
});

function spawn(name: string): ChildWorker {
  const worker = spawnWorker(
    workerEnv(
      db,
      { telegram: telegram.url, discord: discord.url },
      { WORKER_ID: name, SYNC_BATCH_SIZE: '50', SYNC_POLL_MS: '200', SYNC_LEASE_MS: '3000' },
    ),
  );
  children.push(worker);
  return worker;
}

const portOf = (worker: ChildWorker) => Number(/"port":(\d+)[^\n]*serving \/healthz/.exec(worker.output())?.[1]);

/** The worker's own view of the backlog, from its /metrics; null while it cannot answer. */
async function oldestPendingAge(worker: ChildWorker): Promise<number | null> {
  try {
    const text = await (
      await fetch(`http://127.0.0.1:${portOf(worker)}/metrics`, { signal: AbortSignal.timeout(5_000) })
    ).text();
    const line = /^ttfd_events_oldest_pending_age_seconds(?:\{[^}]*\})? (\S+)$/m.exec(text);
    return line ? Number(line[1]) : null;
  } catch {
    return null;
  }
}

/** The key a notification ends with: `achievement_unlocked` texts end in the achievement. */
const keyOf = (text: string | undefined) => /: (\S+)$/.exec(text ?? '')?.[1] ?? '';

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

it('delivers every event once per reachable target through refusals, rate limits, a SIGKILL and PostgreSQL restarts', async () => {
  const reachable = await addPlayers(db, 24, 70_000);
  // Blocked the bot on Telegram; their Discord DMs still arrive.
  const blocked = await addPlayers(db, 4, 70_100, { telegram: true, discord: true });
  // Telegram answers 429 to their first messages: retry_after 1 s is waited out in the
  // driver, 3 s sends the event back to the queue until then.
  const limitedShort = await addPlayers(db, 3, 70_200);
  const limitedLong = await addPlayers(db, 3, 70_300);
  const players = [...reachable, ...blocked, ...limitedShort, ...limitedLong];
  for (const p of blocked) telegram.blockChat(p.telegramId!);
  const tooMany = (seconds: number) => ({
    error_code: 429,
    description: `Too Many Requests: retry after ${seconds}`,
    retry_after: seconds,
  });
  for (const p of limitedShort) telegram.fail('sendMessage', tooMany(1), { times: 2, chatId: p.telegramId! });
  for (const p of limitedLong) telegram.fail('sendMessage', tooMany(3), { times: 1, chatId: p.telegramId! });
  // Discord rate-limits the first DMs (its 429 with retry_after and the bucket headers).
  discord.fail({ method: 'POST', path: /^\/channels\/\d+\/messages$/ }, DISCORD_ERRORS.rateLimited(0.5), { times: 3 });

  const committed: { key: string; player: Player }[] = [];
  const add = async (player: Player, key: string) => {
    // A dedupe key makes a retried insert (its commit unknown) land once.
    await persistently(() =>
      db.pool.query(
        `INSERT INTO cross_platform_events (user_id, event_type, source_platform, data, dedupe_key)
         VALUES ($1, 'achievement_unlocked', 'website', jsonb_build_object('achievement', $2::text), $2)
         ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING`,
        [player.userId, key],
      ),
    );
    committed.push({ key, player });
  };

  let worker = spawn('chaos-a');
  await workerUp(worker);
  // Everyone's first event: the blocked players refuse it, which turns Telegram off for them.
  for (const [i, p] of players.entries()) await add(p, `first${i}`);
  await waitUntil(
    async () =>
      (await db.pool.query(`SELECT count(*)::int AS n FROM unreachable_targets WHERE target = 'telegram:message'`))
        .rows[0].n === blocked.length,
    30_000,
    'the blocked players’ refusals',
  );

  let loading = true;
  const load = (async () => {
    for (let n = 0; loading; n++) {
      await add(players[n % players.length]!, `k${n}`);
      await sleep(5);
    }
  })();
  const ages: { at: string; age: number | null }[] = [];
  const scrape = async (at: string) => ages.push({ at, age: await oldestPendingAge(worker) });
  try {
    await sleep(1_000);
    worker.child.kill('SIGKILL');
    expect(await worker.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await sleep(500);
    worker = spawn('chaos-b');
    await workerUp(worker);
    await sleep(1_000);
    await pg.restart('fast');
    await sleep(1_000);
    await pg.restart('immediate');
    // The backlog the outage left, as the worker reports it once it reads the database again.
    await waitUntil(
      async () => {
        await scrape('after restart');
        return ages.at(-1)!.age !== null;
      },
      // PostgreSQL's crash recovery and the pool's reconnects take longer on a loaded machine.
      90_000,
      'the worker’s metrics after the restart',
    );
    await sleep(1_000);
  } finally {
    loading = false;
    await load;
  }

  const pending = async () =>
    (
      await persistently(() =>
        db.pool.query(`SELECT count(*)::int AS n FROM cross_platform_events WHERE NOT processed AND dead_at IS NULL`),
      )
    ).rows[0].n;
  await waitUntil(async () => (await pending()) === 0, 90_000, 'the worker to catch up');
  // The gauge is cached for a second.
  await sleep(1_200);
  await scrape('drained');

  // Nothing dead: refusals and rate limits are ordinary player and platform behaviour.
  const { rows: states } = await db.pool.query(
    `SELECT count(*) FILTER (WHERE processed)::int AS processed, count(*) FILTER (WHERE dead_at IS NOT NULL)::int AS dead,
            count(*)::int AS total FROM cross_platform_events`,
  );
  expect(states[0]).toEqual({ processed: committed.length, dead: 0, total: committed.length });

  // Telegram: each event once to every chat that takes messages, none twice. A message the
  // SIGKILL cut off between the request and its receipt is 'unknown' (maybe delivered) and
  // never sent again; every other one is 'sent' and arrived exactly once.
  const byKey = new Map(committed.map((c) => [c.key, c.player]));
  const telegramSent = countBy(telegram.messages, (m) => `${m.chat_id}/${keyOf(m.text)}`);
  expect([...telegramSent.entries()].filter(([, n]) => n > 1)).toEqual([]);
  const { rows: receipts } = await db.pool.query(
    `SELECT r.target, r.status, e.data->>'achievement' AS key
     FROM delivery_receipts r JOIN cross_platform_events e ON e.id = r.event_id`,
  );
  const tgReceipts = receipts.filter((r) => r.target === 'telegram:message');
  const blockedIds = new Set(blocked.map((p) => p.userId));
  const takesTelegram = committed.filter((c) => !blockedIds.has(c.player.userId));
  const receiptOf = new Map(tgReceipts.map((r) => [r.key as string, r.status as string]));
  expect(takesTelegram.filter((c) => !['sent', 'unknown'].includes(receiptOf.get(c.key) ?? 'none'))).toEqual([]);
  const arrived = (c: { key: string; player: Player }) => telegramSent.get(`${c.player.telegramId}/${c.key}`) ?? 0;
  expect(takesTelegram.filter((c) => receiptOf.get(c.key) === 'sent' && arrived(c) !== 1)).toEqual([]);
  const unknown = takesTelegram.filter((c) => receiptOf.get(c.key) === 'unknown');
  // Only what was being sent when the worker was killed or the database went away can be
  // cut off; most of those did arrive. One that did not was cut before its request left the
  // killed process (at most one per send in flight: 2 batches of 16 sends).
  expect(unknown.length).toBeLessThanOrEqual(100);
  expect(unknown.filter((c) => arrived(c) === 0).length).toBeLessThanOrEqual(32);
  expect(telegram.messages.filter((m) => !byKey.has(keyOf(m.text)))).toEqual([]);

  // Blocked chats: one refusal each (their first event), nothing after it, crash and
  // restarts included; one 'unreachable' receipt each, the rest never tried.
  for (const p of blocked) expect(telegram.callsOf('sendMessage', p.telegramId!)).toHaveLength(1);
  expect(tgReceipts.filter((r) => blockedIds.has(byKey.get(r.key)!.userId)).map((r) => r.status)).toEqual(
    blocked.map(() => 'unreachable'),
  );

  // Rate-limited chats: each 429 answered once, then every event went through once. Every
  // request that was neither refused nor rate-limited left a message: nothing was repeated.
  for (const p of [...limitedShort, ...limitedLong]) {
    const faults = limitedShort.includes(p) ? 2 : 1;
    const delivered = telegram.messages.filter((m) => m.chat_id === p.telegramId).length;
    expect(telegram.callsOf('sendMessage', p.telegramId!)).toHaveLength(delivered + faults);
  }
  expect(telegram.callsOf('sendMessage')).toHaveLength(
    telegram.messages.length + blocked.length + 2 * limitedShort.length + limitedLong.length,
  );

  // Discord DMs for the blocked players: exactly once each, through its 429s and the crash
  // (a repeated nonce is dropped by Discord, so a cut-off DM is simply sent again).
  const dmsFor = committed.filter((c) => blockedIds.has(c.player.userId));
  const dms = countBy(discord.messages, (m) => `${m.recipient_id}/${keyOf(m.content)}`);
  expect(dmsFor.filter((c) => dms.get(`${c.player.discordId}/${c.key}`) !== 1)).toEqual([]);
  expect(discord.messages).toHaveLength(dmsFor.length);
  const dmRequests = discord.calls.filter((c) => c.method === 'POST' && /^\/channels\/\d+\/messages$/.test(c.path));
  expect(dmRequests.length).toBeGreaterThanOrEqual(discord.messages.length + 3);

  // The lag gauge: it reports the backlog once the worker reads the database again after the
  // outage (how many seconds old depends on how fast that happens on this machine, and on the
  // rate-limited players' waits), and is back to nothing once caught up.
  const afterRestart = ages.find((a) => a.at === 'after restart' && a.age !== null)!;
  const drained = ages.at(-1)!;
  expect(afterRestart.age!).toBeGreaterThan(0);
  expect(drained).toEqual({ at: 'drained', age: 0 });

  worker.child.kill('SIGTERM');
  expect(await worker.exited).toEqual({ code: 0, signal: null });
}, 240_000);
