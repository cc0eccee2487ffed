import { findLedgerMismatches } from '@ttfd/shared';
import { createTestDatabase, startFakeTelegram, type FakeTelegram, type TestDatabase } from '@ttfd/testing';
import { metricValue, sentTo, startTestBot, textsOf, type TestBot } from './harness';
import { messageUpdate, newUpdateId, telegramUser } from './updates';

let db: TestDatabase;
let fake: FakeTelegram;
let bot: TestBot;

// No cooldown: only the update id stands between a redelivered /dice and a second award.
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 4 });
  fake = await startFakeTelegram();
  bot = await startTestBot(db, fake, { TELEGRAM_DICE_COOLDOWN_SECONDS: '0', LOG_LEVEL: 'warn' });
});
afterAll(async () => {
  await bot?.service.stop();
  await fake?.close();
  await db?.drop();
});

async function account(telegramId: number) {
  const { rows } = await db.pool.query('SELECT * FROM unified_users WHERE telegram_id = $1', [telegramId]);
  return rows[0];
}
async function countEvents(telegramId: number, type: string) {
  const { rows } = await db.pool.query(
    `SELECT count(*)::int AS n FROM cross_platform_events e JOIN unified_users u ON u.id = e.user_id
     WHERE u.telegram_id = $1 AND e.event_type = $2`,
    [telegramId, type],
  );
  return rows[0].n as number;
}
const diceTo = (chatId: number) =>
  fake.messages.filter((m) => m.chat_id === String(chatId) && m.dice).map((m) => m.dice!.value);

describe('redelivered updates', () => {
  it('awards a /dice game once when Telegram delivers its update again, and answers the repeat', async () => {
    const update = messageUpdate(telegramUser(9001), '/dice');
    expect((await bot.post(update)).status).toBe(200);
    expect((await bot.post(update)).status).toBe(200);
    expect(sentTo(fake, 9001).map((c) => c.method)).toEqual(['sendDice', 'sendDice', 'sendMessage', 'sendMessage']);
    expect(textsOf(sentTo(fake, 9001)).at(-1)).toBe('🎲 Эта игра уже сыграна, результат выше.');
    expect(await account(9001)).toMatchObject({ games_played: 1 });
    expect(await countEvents(9001, 'game_played')).toBe(1);
  });

  it('awards once when the same update arrives twice at the same moment', async () => {
    const from = telegramUser(9002);
    const dice = messageUpdate(from, '/dice');
    const daily = messageUpdate(from, '/daily');
    const notify = messageUpdate(from, '/notify off');
    const start = messageUpdate(from, '/start');
    const responses = await Promise.all(
      [dice, dice, daily, daily, notify, notify, start, start].map((u) => bot.post(u)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    const u = await account(9002);
    // Both deliveries may roll; the one game recorded is the one the player is told about.
    const results = textsOf(sentTo(fake, 9002)).filter((t) => t.startsWith('🎲 Вы: '));
    expect(results).toHaveLength(1);
    const [, player, botRoll] = /^🎲 Вы: (\d), бот: (\d)\./.exec(results[0]!)!.map(Number);
    expect([2, 4]).toContain(diceTo(9002).length);
    const won = player! > botRoll!;
    expect(u).toMatchObject({
      games_played: 1,
      games_won: won ? 1 : 0,
      xp: String(50 + (won ? 25 : 5)),
      coins: String(20 + (won ? 10 : 0)),
      daily_streak: 1,
      telegram_notifications: false,
      discord_notifications: true,
    });
    expect(await countEvents(9002, 'game_played')).toBe(1);
    expect(await countEvents(9002, 'daily_claimed')).toBe(1);
    expect(await countEvents(9002, 'notification_settings_changed')).toBe(1);
    expect(await countEvents(9002, 'user_registered')).toBe(1);
  });
});

describe('200 concurrent updates from 50 players', () => {
  it('loses nothing', async () => {
    const players = Array.from({ length: 50 }, (_, i) => telegramUser(9100 + i));
    const updates = players.flatMap((p) =>
      ['/start', '/daily', '/dice', '/notify off'].map((text) => messageUpdate(p, text)),
    );
    const responses = await Promise.all(updates.map((u) => bot.post(u)));
    expect(responses.every((r) => r.status === 200)).toBe(true);

    for (const p of players) {
      const rolls = diceTo(p.id);
      expect(rolls).toHaveLength(2);
      const won = rolls[0]! > rolls[1]!;
      const u = await account(p.id);
      expect({
        id: p.id,
        xp: Number(u.xp),
        coins: Number(u.coins),
        games: u.games_played,
        wins: u.games_won,
        streak: u.daily_streak,
        notifications: u.telegram_notifications,
      }).toEqual({
        id: p.id,
        xp: 50 + (won ? 25 : 5),
        coins: 20 + (won ? 10 : 0),
        games: 1,
        wins: won ? 1 : 0,
        streak: 1,
        notifications: false,
      });
      const sent = sentTo(fake, p.id);
      expect(sent.filter((c) => c.method === 'sendMessage')).toHaveLength(4);
      expect(sent.filter((c) => c.method === 'sendDice')).toHaveLength(2);
    }
    const { rows } = await db.pool.query(
      `SELECT e.event_type, count(*)::int AS n FROM cross_platform_events e JOIN unified_users u ON u.id = e.user_id
       WHERE u.telegram_id BETWEEN 9100 AND 9149 GROUP BY 1 ORDER BY 1`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.event_type, r.n]))).toEqual({
      daily_claimed: 50,
      game_played: 50,
      notification_settings_changed: 50,
      user_registered: 50,
      xp_change: 100,
      achievement_unlocked: 50,
    });
    expect((await findLedgerMismatches(db.pool)).mismatches).toEqual([]);
  });
});

/** A small deterministic PRNG (mulberry32), so a failing body can be reproduced. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

function fuzzBodies(count: number, seed: number): { body: string; secret?: string | null }[] {
  const r = random(seed);
  const strings = [
    '',
    ' ',
    'on',
    'off',
    'season',
    'link_',
    'link_ABCDEFGHJK',
    'é',
    '🎲',
    '\u0000',
    'a\u0000b',
    '𝕏'.repeat(50),
    'x'.repeat(5000),
    '-1',
    '1e309',
    'null',
    '{"a":1}',
    '../../etc/passwd',
    "'; DROP TABLE unified_users; --",
  ];
  const commands = [
    '/start',
    '/profile',
    '/me',
    '/daily',
    '/dice',
    '/top',
    '/top season',
    '/notify',
    '/notify on',
    '/notify off',
    '/link',
    '/link 0000000000',
    '/help',
    '/start link_0000000000',
    '/unknown',
    '/',
    '/profile@ttfd_test_bot',
    '/daily@other_bot',
  ];
  const anything = (depth = 0): unknown => {
    switch (r.int(depth > 2 ? 6 : 8)) {
      case 0:
        return null;
      case 1:
        return r.pick([0, -1, 1, 2 ** 53, 2 ** 63, 1.5, -0.0001, Number.MAX_SAFE_INTEGER]);
      case 2:
        return r.pick(strings);
      case 3:
        return r.next() < 0.5;
      case 4:
        return r.pick(commands) + (r.next() < 0.3 ? ' ' + r.pick(strings) : '');
      case 5:
        return r.int(1_000_000);
      case 6:
        return Array.from({ length: r.int(3) }, () => anything(depth + 1));
      default:
        return Object.fromEntries(
          Array.from({ length: r.int(3) }, () => [
            r.pick(['id', 'text', 'chat', 'from', 'type', 'data']),
            anything(depth + 1),
          ]),
        );
    }
  };
  const validUpdate = () => {
    const from = telegramUser(20_000 + r.int(150), {
      language_code: r.pick(['ru', 'en', 'en-US', 'de', undefined as unknown as string]),
      is_bot: r.next() < 0.03,
      first_name: r.pick(['Ann', 'Боб', '\u0000', '', '🎲🎲', 'x'.repeat(300)]),
      username: r.pick(['ann', undefined as unknown as string, 'a\u0000']),
    });
    const chat = r.next() < 0.85 ? undefined : { id: -100_000 - r.int(5), type: r.pick(['group', 'supergroup']) };
    const text = r.next() < 0.8 ? r.pick(commands) + (r.next() < 0.3 ? ' ' + r.pick(strings) : '') : r.pick(strings);
    const update: Record<string, any> = messageUpdate(from, r.next() < 0.05 ? null : text, { chat });
    switch (r.int(10)) {
      case 0:
        return { update_id: update.update_id, edited_message: update.message };
      case 1:
        return {
          update_id: update.update_id,
          channel_post: { ...update.message, chat: { id: -1009, type: 'channel' }, from: undefined },
        };
      case 2:
        return {
          update_id: update.update_id,
          callback_query: {
            id: String(r.int(1e9)),
            from,
            chat_instance: '1',
            data: r.pick(['merge:', 'merge:' + 'A'.repeat(22), 'merge-cancel:xyz', 'other', '', 'x'.repeat(100)]),
            message:
              r.next() < 0.5 ? { message_id: r.int(100), chat: { id: from.id, type: 'private' }, date: 1 } : undefined,
          },
        };
      default:
        return update;
    }
  };
  const damaged = () => {
    const update: Record<string, any> = validUpdate();
    for (let i = 0; i < 1 + r.int(3); i++) {
      const paths = [
        ['update_id'],
        ['message'],
        ['message', 'chat'],
        ['message', 'chat', 'id'],
        ['message', 'chat', 'type'],
        ['message', 'from'],
        ['message', 'from', 'id'],
        ['message', 'from', 'language_code'],
        ['message', 'text'],
        ['message', 'message_id'],
        ['callback_query', 'from'],
        ['callback_query', 'data'],
        ['callback_query', 'id'],
      ];
      const path = r.pick(paths);
      let node = update;
      for (const key of path.slice(0, -1)) node = node?.[key];
      if (node && typeof node === 'object') {
        if (r.next() < 0.3) delete node[path.at(-1)!];
        else node[path.at(-1)!] = anything();
      }
    }
    return update;
  };
  return Array.from({ length: count }, () => {
    const kind = r.next();
    if (kind < 0.25) {
      const bytes = Array.from({ length: r.int(80) }, () => String.fromCharCode(r.int(256))).join('');
      return { body: r.next() < 0.5 ? bytes : JSON.stringify(validUpdate()).slice(0, r.int(60)) };
    }
    if (kind < 0.4) return { body: JSON.stringify(anything()) };
    if (kind < 0.5)
      return { body: JSON.stringify({ ...validUpdate(), update_id: r.pick([-1, 1.5, '7', null, 2 ** 60, {}, []]) }) };
    if (kind < 0.52) return { body: JSON.stringify(validUpdate()), secret: r.pick([null, 'wrong-secret']) };
    if (kind < 0.8) return { body: JSON.stringify(damaged()) };
    return { body: JSON.stringify(validUpdate()) };
  });
}

describe('fuzzing the webhook', () => {
  it('answers 5,000 random and malformed bodies without a 5xx, a crash or a partial write', async () => {
    const bodies = fuzzBodies(5000, 20260310);
    bodies.push({ body: JSON.stringify({ update_id: 1, message: { text: 'x'.repeat(1024 * 1024) } }) });
    const statuses = new Map<number, number>();
    let next = 0;
    const workers = Array.from({ length: 16 }, async () => {
      while (next < bodies.length) {
        const { body, secret } = bodies[next++]!;
        const res = await bot.post(body, { raw: true, secret });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    });
    await Promise.all(workers);

    expect([...statuses.keys()].sort()).toEqual([200, 400, 401, 403, 413]);
    expect([...statuses.values()].reduce((a, b) => a + b)).toBe(5001);
    expect(await bot.get('/healthz')).toEqual({ status: 200, body: 'ok\n' });
    const metrics = (await bot.get('/metrics')).body;
    expect(metricValue(metrics, 'ttfd_telegram_updates_total', { type: 'message', outcome: 'error' }) ?? 0).toBe(0);
    expect(metricValue(metrics, 'ttfd_telegram_updates_total', { type: 'callback_query', outcome: 'error' }) ?? 0).toBe(
      0,
    );
    expect(bot.logs.filter((l) => l.level >= 50)).toEqual([]);

    // Every account's totals are exactly what its events say: nothing was half-written.
    expect((await findLedgerMismatches(db.pool)).mismatches).toEqual([]);
    const { rows } = await db.pool.query(`
      SELECT u.id, u.telegram_id FROM unified_users u
      CROSS JOIN LATERAL (
        SELECT coalesce(sum((e.data->>'coins_delta')::bigint) FILTER (WHERE e.event_type = 'xp_change'), 0) AS coins,
               count(*) FILTER (WHERE e.event_type = 'game_played') AS games,
               count(*) FILTER (WHERE e.event_type = 'game_played' AND (e.data->>'won')::boolean) AS wins,
               count(*) FILTER (WHERE e.event_type = 'user_registered') AS registered,
               count(*) FILTER (WHERE e.event_type = 'daily_claimed') AS dailies,
               (SELECT (n.data->>'enabled')::boolean FROM cross_platform_events n
                WHERE n.user_id = u.id AND n.event_type = 'notification_settings_changed' ORDER BY n.seq DESC LIMIT 1) AS notify
        FROM cross_platform_events e WHERE e.user_id = u.id
      ) s
      WHERE u.coins <> s.coins OR u.games_played <> s.games OR u.games_won <> s.wins OR s.registered <> 1
         OR (u.daily_streak > 0) <> (s.dailies > 0) OR u.telegram_notifications <> coalesce(s.notify, true)`);
    expect(rows).toEqual([]);
    const { rows: fuzzed } = await db.pool.query(
      'SELECT count(*)::int AS users, sum(games_played)::int AS games FROM unified_users WHERE telegram_id >= 20000',
    );
    expect(fuzzed[0].users).toBeGreaterThan(100);
    expect(fuzzed[0].games).toBeGreaterThan(20);
  });
});

describe('a bad update among good ones', () => {
  it('does not stop the next update from being handled', async () => {
    const from = telegramUser(9901);
    expect((await bot.post('{"update_id":', { raw: true })).status).toBe(400);
    expect((await bot.post({ update_id: newUpdateId(), message: { chat: 'nope', from } })).status).toBe(200);
    expect((await bot.post(messageUpdate(from, '/daily'))).status).toBe(200);
    expect(textsOf(sentTo(fake, 9901))).toEqual([
      '🎁 Ежедневная награда: +50 опыта, +20 монет.\n🔥 Серия: 1 дн. подряд.',
    ]);
  });
});
