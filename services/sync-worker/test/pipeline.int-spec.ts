import { Client } from 'pg';
import {
  createTestDatabase,
  startFakeDiscord,
  startFakeTelegram,
  waitUntil,
  type FakeDiscord,
  type FakeTelegram,
  type TestDatabase,
} from '@ttfd/testing';
import type { SyncWorkerService } from '../src/service';
import {
  addEvents,
  addPlayers,
  eventRows,
  GUILD_ID,
  startWorker,
  waitForDrain,
  workerEnv,
  type NewEvent,
} from './helpers';

let db: TestDatabase;
let telegram: FakeTelegram;
let discord: FakeDiscord;
let worker: SyncWorkerService;

beforeAll(async () => {
  db = await createTestDatabase();
  [telegram, discord] = await Promise.all([startFakeTelegram(), startFakeDiscord()]);
  worker = await startWorker(workerEnv(db, { telegram: telegram.url, discord: discord.url }));
});
afterAll(async () => {
  await worker?.stop();
  await Promise.all([telegram.close(), discord.close()]);
  await db.drop();
});

const achievement = (key: string) => ({ achievement: key });
const keyOf = (text: string | undefined) => /: (\S+)$/.exec(text ?? '')?.[1];

describe('delivery', () => {
  it('delivers 10,000 events of 500 players exactly once each, every player’s in creation order', async () => {
    const players = await addPlayers(db, 500, 10_000);
    // Each player gets 20 events, alternately a notified one and a local one, written in
    // 4 waves while the worker runs, each wave interleaving every player.
    for (let wave = 0; wave < 4; wave++) {
      const events: NewEvent[] = [];
      for (let k = wave * 5; k < wave * 5 + 5; k++)
        for (const p of players) {
          events.push(
            k % 2 === 0
              ? { userId: p.userId, type: 'achievement_unlocked', data: achievement(`k${String(k).padStart(2, '0')}`) }
              : { userId: p.userId, type: 'xp_change', data: { xp_delta: 1, coins_delta: 0, reason: `k${k}` } },
          );
        }
      await addEvents(db, events);
    }
    await waitForDrain(db, 60_000);

    const rows = await eventRows(db, 'user_id = ANY($1)', [players.map((p) => p.userId)]);
    expect(rows).toHaveLength(10_000);
    expect(rows.filter((r) => !r.processed || r.outcome !== 'ok' || r.attempts !== 1)).toEqual([]);

    const mine = new Set(players.map((p) => p.telegramId));
    const sends = telegram.calls.filter((c) => c.method === 'sendMessage' && mine.has(String(c.params.chat_id)));
    expect(sends).toHaveLength(5_000);
    const byChat = new Map<string, string[]>();
    for (const c of sends) {
      const chat = String(c.params.chat_id);
      byChat.set(chat, [...(byChat.get(chat) ?? []), keyOf(c.params.text)!]);
    }
    const expected = ['k00', 'k02', 'k04', 'k06', 'k08', 'k10', 'k12', 'k14', 'k16', 'k18'];
    expect(byChat.size).toBe(500);
    for (const keys of byChat.values()) expect(keys).toEqual(expected);

    const { rows: receipts } = await db.pool.query(
      `SELECT status, count(*)::int AS n FROM delivery_receipts r JOIN cross_platform_events e ON e.id = r.event_id
       WHERE e.user_id = ANY($1) GROUP BY status`,
      [players.map((p) => p.userId)],
    );
    expect(receipts).toEqual([{ status: 'sent', n: 5_000 }]);
  });

  it('never skips an event whose transaction commits after later ones', async () => {
    const [p, q] = await addPlayers(db, 2, 20_000);
    const slow = new Client({ connectionString: db.url });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      const { rows: early } = await slow.query(
        `INSERT INTO cross_platform_events (user_id, event_type, source_platform, data)
         VALUES ($1, 'achievement_unlocked', 'discord', '{"achievement":"slow_p"}'), ($2, 'achievement_unlocked', 'discord', '{"achievement":"slow_q"}')
         RETURNING id, seq`,
        [p!.userId, q!.userId],
      );
      const [fast] = await addEvents(db, [
        { userId: p!.userId, type: 'achievement_unlocked', data: achievement('fast_p') },
      ]);
      await waitUntil(async () => (await eventRows(db, 'id = $1 AND processed', [fast])).length === 1, 10_000);
      await slow.query('COMMIT');
      await slow.query(`SELECT pg_notify('ttfd_events', '')`);
      await waitUntil(
        async () => (await eventRows(db, 'id = ANY($1) AND processed', [early.map((r) => r.id)])).length === 2,
        10_000,
        'the late-committed events',
      );
      const [fastRow] = await eventRows(db, 'id = $1', [fast]);
      expect(Number(early[0].seq)).toBeLessThan(Number(fastRow.seq));
      expect(telegram.callsOf('sendMessage', p!.telegramId!).map((c) => keyOf(c.params.text))).toEqual([
        'fast_p',
        'slow_p',
      ]);
      expect(telegram.callsOf('sendMessage', q!.telegramId!)).toHaveLength(1);
    } finally {
      await slow.end();
    }
  });
});

describe('handlers', () => {
  const role = (rank: number) => `55500000000000000${rank}`;

  beforeAll(async () => {
    await db.pool.query(`UPDATE ranks SET discord_role_id = '55500000000000000' || id WHERE id <= 9`);
  });

  it('reconciles Discord rank roles to the current rank, and changes nothing when they are right', async () => {
    const [p] = await addPlayers(db, 1, 30_000, { telegram: false, discord: true });
    await db.pool.query(`UPDATE unified_users SET rank_id = 3, xp = 300 WHERE id = $1`, [p!.userId]);
    discord.addMember(GUILD_ID, p!.discordId!, [role(1), '424242424242', role(2)]);
    const [up] = await addEvents(db, [
      {
        userId: p!.userId,
        type: 'rank_up',
        data: { from_rank_id: 2, to_rank_id: 3, rank_name: 'Corporal', xp: 300 },
        source: 'telegram',
      },
    ]);
    await waitForDrain(db);
    expect(discord.rolesOf(GUILD_ID, p!.discordId!)!.sort()).toEqual(['424242424242', role(3)].sort());
    const { rows } = await db.pool.query(
      `SELECT target, status, detail FROM delivery_receipts WHERE event_id = $1 ORDER BY target`,
      [up],
    );
    expect(rows).toEqual([
      { target: 'discord:dm', status: 'sent', detail: expect.any(String) },
      { target: 'discord:roles', status: 'sent', detail: `+${role(3)} -${role(1)} -${role(2)}` },
    ]);
    const dm = discord.messages.filter((m) => m.recipient_id === p!.discordId);
    expect(dm.map((m) => m.content)).toEqual(['🎖 Новое звание: Капрал! У вас 300 XP.']);
    expect(discord.calls.filter((c) => c.method === 'PUT')[0]?.reason).toBe('TTFD rank sync');

    const writes = () => discord.calls.filter((c) => c.method === 'PUT' || c.method === 'DELETE').length;
    const before = writes();
    const [again] = await addEvents(db, [
      {
        userId: p!.userId,
        type: 'rank_down',
        data: { from_rank_id: 4, to_rank_id: 3, rank_name: 'Corporal', xp: 300 },
        source: 'telegram',
      },
    ]);
    await waitForDrain(db);
    expect(writes()).toBe(before);
    const { rows: second } = await db.pool.query(`SELECT target, detail FROM delivery_receipts WHERE event_id = $1`, [
      again,
    ]);
    expect(second).toEqual([{ target: 'discord:roles', detail: 'already right' }]);
    expect(discord.messages.filter((m) => m.recipient_id === p!.discordId)).toHaveLength(1);
  });

  it('notifies on the player’s other platforms only, in their language, and not at all when muted', async () => {
    const [en] = await addPlayers(db, 1, 31_000, { telegram: true, discord: true, locale: 'en' });
    const [muted] = await addPlayers(db, 1, 32_000, { telegram: true, discord: true, muted: true });
    await addEvents(db, [
      {
        userId: en!.userId,
        type: 'daily_claimed',
        data: { streak: 3, xp_delta: 70, coins_delta: 30, day: '2026-03-01' },
        source: 'telegram',
      },
      { userId: en!.userId, type: 'achievement_unlocked', data: achievement('week_streak'), source: 'website' },
      { userId: muted!.userId, type: 'achievement_unlocked', data: achievement('first_game'), source: 'website' },
    ]);
    await waitForDrain(db);
    expect(discord.messages.filter((m) => m.recipient_id === en!.discordId).map((m) => m.content)).toEqual([
      '🎁 Daily reward: +70 XP, +30 coins. Streak: 3 days.',
      '🏆 Achievement unlocked: Week streak',
    ]);
    expect(telegram.messages.filter((m) => m.chat_id === en!.telegramId).map((m) => m.text)).toEqual([
      '🏆 Achievement unlocked: Week streak',
    ]);
    expect(discord.messages.filter((m) => m.recipient_id === muted!.discordId)).toEqual([]);
    expect(telegram.messages.filter((m) => m.chat_id === muted!.telegramId)).toEqual([]);
    expect((await eventRows(db, 'user_id = $1', [muted!.userId]))[0]).toMatchObject({ processed: true, outcome: 'ok' });
  });

  it('skips only the platform the player muted: the other still gets the message and the event completes', async () => {
    const [quietTelegram, quietDiscord] = await addPlayers(db, 2, 36_000, {
      telegram: true,
      discord: true,
      locale: 'en',
    });
    await db.pool.query(`UPDATE unified_users SET telegram_notifications = false WHERE id = $1`, [
      quietTelegram!.userId,
    ]);
    await db.pool.query(`UPDATE unified_users SET discord_notifications = false WHERE id = $1`, [quietDiscord!.userId]);
    // Were a muted target tried at all, these would fail the event and keep it retrying.
    telegram.fail(
      'sendMessage',
      { error_code: 500, description: 'Internal Server Error' },
      {
        times: 1_000,
        chatId: quietTelegram!.telegramId!,
      },
    );
    await addEvents(db, [
      {
        userId: quietTelegram!.userId,
        type: 'achievement_unlocked',
        data: achievement('first_game'),
        source: 'website',
      },
      {
        userId: quietDiscord!.userId,
        type: 'achievement_unlocked',
        data: achievement('first_game'),
        source: 'website',
      },
    ]);
    await waitForDrain(db);
    telegram.clearFaults();
    expect(telegram.callsOf('sendMessage', quietTelegram!.telegramId!)).toEqual([]);
    expect(discord.messages.filter((m) => m.recipient_id === quietTelegram!.discordId).map((m) => m.content)).toEqual([
      '🏆 Achievement unlocked: First game',
    ]);
    expect(discord.messages.filter((m) => m.recipient_id === quietDiscord!.discordId)).toEqual([]);
    expect(telegram.messages.filter((m) => m.chat_id === quietDiscord!.telegramId).map((m) => m.text)).toEqual([
      '🏆 Achievement unlocked: First game',
    ]);
    for (const p of [quietTelegram!, quietDiscord!]) {
      expect((await eventRows(db, 'user_id = $1', [p.userId]))[0]).toMatchObject({
        processed: true,
        outcome: 'ok',
        dead_at: null,
        attempts: 1,
      });
    }
    const { rows: receipts } = await db.pool.query(
      `SELECT u.id AS user_id, r.target FROM delivery_receipts r
       JOIN cross_platform_events e ON e.id = r.event_id JOIN unified_users u ON u.id = e.user_id
       WHERE u.id = ANY($1::bigint[]) AND r.target <> 'website:live' ORDER BY u.id`,
      [[quietTelegram!.userId, quietDiscord!.userId]],
    );
    expect(receipts).toEqual([
      { user_id: quietTelegram!.userId, target: 'discord:dm' },
      { user_id: quietDiscord!.userId, target: 'telegram:message' },
    ]);
  });

  it('publishes every event on the website live channel when it is settled', async () => {
    const live = new Client({ connectionString: db.url });
    await live.connect();
    const seen: Record<string, any>[] = [];
    live.on('notification', (n) => seen.push(...JSON.parse(n.payload!)));
    await live.query('LISTEN ttfd_live');
    try {
      const [p] = await addPlayers(db, 1, 33_000);
      const ids = await addEvents(db, [
        { userId: p!.userId, type: 'xp_change', data: { xp_delta: 5, coins_delta: 0, reason: 'message' } },
        { userId: p!.userId, type: 'achievement_unlocked', data: achievement('first_game') },
        {
          userId: p!.userId,
          type: 'season_closed',
          data: { season_id: 1, season_name: 'S'.repeat(9_000), position: 1, season_xp: 5 },
        },
      ]);
      await waitUntil(() => ids.every((id) => seen.some((u) => u.id === id)), 10_000, 'the live updates');
      const mine = seen.filter((u) => u.user_id === p!.userId);
      expect(mine.map((u) => u.type)).toEqual(['xp_change', 'achievement_unlocked', 'season_closed']);
      expect(mine[0]).toMatchObject({
        id: ids[0],
        source: 'discord',
        data: { xp_delta: 5, coins_delta: 0, reason: 'message' },
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/),
      });
      // Too large for a notification: sent without its data, for the website to reload.
      expect(mine[2]).toMatchObject({ id: ids[2], data: {}, truncated: true });
    } finally {
      await live.end();
    }
  });

  it('dead-letters an unknown event type with a clear reason, and the player’s later events still flow', async () => {
    const [p] = await addPlayers(db, 1, 34_000);
    const [odd, next] = await addEvents(db, [
      { userId: p!.userId, type: 'mystery_box', data: {} },
      { userId: p!.userId, type: 'achievement_unlocked', data: achievement('after_mystery') },
    ]);
    await waitForDrain(db);
    const [oddRow, nextRow] = await eventRows(db, 'id = ANY($1)', [[odd, next]]);
    expect(oddRow).toMatchObject({
      processed: false,
      outcome: 'dead',
      attempts: 1,
      last_error: 'unknown event type "mystery_box": no handler for it',
    });
    expect(oddRow.dead_at).toBeInstanceOf(Date);
    expect(nextRow).toMatchObject({ processed: true, outcome: 'ok' });
    expect(telegram.callsOf('sendMessage', p!.telegramId!).map((c) => keyOf(c.params.text))).toEqual(['after_mystery']);
  });

  it('records the effects on a platform without credentials as skipped, and does not retry them', async () => {
    await worker.stop();
    const bare = await startWorker(workerEnv(db, {}));
    try {
      const [p] = await addPlayers(db, 1, 35_000, { telegram: true, discord: true });
      const [id] = await addEvents(db, [
        { userId: p!.userId, type: 'achievement_unlocked', data: achievement('no_tokens'), source: 'website' },
      ]);
      await waitForDrain(db);
      const [row] = await eventRows(db, 'id = $1', [id]);
      expect(row).toMatchObject({ processed: true, outcome: 'skipped', attempts: 1 });
      expect(row.last_error).toBe(
        'skipped: telegram message: the Telegram driver is disabled; discord DM: the Discord driver is disabled',
      );
      const { rows } = await db.pool.query(
        `SELECT target, status FROM delivery_receipts WHERE event_id = $1 ORDER BY target`,
        [id],
      );
      expect(rows).toEqual([
        { target: 'discord:dm', status: 'skipped' },
        { target: 'telegram:message', status: 'skipped' },
      ]);
    } finally {
      await bare.stop();
      worker = await startWorker(workerEnv(db, { telegram: telegram.url, discord: discord.url }));
    }
  });
});
