import { createProgression, createWake, findLedgerMismatches, markUnreachable } from '@ttfd/shared';
import { createTestDatabase, startFakeTelegram, waitUntil, type FakeTelegram, type TestDatabase } from '@ttfd/testing';
import { metricValue, sentTo, startTestBot, textsOf, type TestBot } from './harness';
import { callbackUpdate, messageUpdate, telegramUser } from './updates';

let db: TestDatabase;
let fake: FakeTelegram;
let bot: TestBot;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 4 });
  fake = await startFakeTelegram();
  bot = await startTestBot(db, fake);
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
async function eventsOf(telegramId: number) {
  const { rows } = await db.pool.query(
    `SELECT e.event_type, e.data, e.dedupe_key, e.source_platform FROM cross_platform_events e
     JOIN unified_users u ON u.id = e.user_id WHERE u.telegram_id = $1 ORDER BY e.seq`,
    [telegramId],
  );
  return rows;
}
/** Sends a command through the webhook and returns what the bot sent to the player's chat for it. */
async function say(from: ReturnType<typeof telegramUser>, text: string | null, options = {}) {
  const before = sentTo(fake, from.id).length;
  const res = await bot.post(messageUpdate(from, text, options));
  expect(res.status).toBe(200);
  return sentTo(fake, from.id).slice(before);
}
const texts = textsOf;
async function refusedOf(userId: string): Promise<string[]> {
  const { rows } = await db.pool.query(`SELECT target FROM unreachable_targets WHERE user_id = $1 ORDER BY target`, [
    userId,
  ]);
  return rows.map((r) => r.target);
}

describe('start-up', () => {
  it('publishes the command menu in Russian and English and registers the webhook with its secret', () => {
    expect(fake.callsOf('getMe')).toHaveLength(1);
    const menus = fake.callsOf('setMyCommands');
    expect(menus.map((m) => m.params.language_code)).toEqual([undefined, 'en']);
    expect(menus[0]!.params.commands.map((c: { command: string }) => c.command)).toEqual([
      'start',
      'profile',
      'daily',
      'dice',
      'top',
      'link',
      'notify',
      'help',
    ]);
    expect(menus[0]!.params.commands[2].description).toBe('Ежедневная награда');
    expect(menus[1]!.params.commands[2].description).toBe('Daily reward');
    const [hook] = fake.callsOf('setWebhook');
    expect(hook!.params).toEqual({
      // The URL carries a marker of the configuration (see webhook-registration.ts).
      url: expect.stringMatching(/^https:\/\/bot\.example\.org\/telegram\/webhook\?ttfd_config=[0-9a-f]{32}$/),
      secret_token: 'test-webhook-secret_0123456789',
      allowed_updates: ['message', 'callback_query'],
    });
  });

  it('serves /healthz and /readyz on the webhook port', async () => {
    expect(await bot.get('/healthz')).toEqual({ status: 200, body: 'ok\n' });
    expect(await bot.get('/readyz')).toEqual({ status: 200, body: 'ready\n' });
  });
});

describe('webhook secret', () => {
  it('answers 401 without the secret header and 403 with a wrong one, and does nothing', async () => {
    const from = telegramUser(7001);
    const calls = fake.calls.length;
    expect((await bot.post(messageUpdate(from, '/start'), { secret: null })).status).toBe(401);
    expect((await bot.post(messageUpdate(from, '/start'), { secret: 'test-webhook-secret_012345678X' })).status).toBe(
      403,
    );
    expect((await bot.post(messageUpdate(from, '/start'), { secret: '' })).status).toBe(403);
    expect(fake.calls.length).toBe(calls);
    expect(await account(7001)).toBeUndefined();
  });

  it('answers 400 to a body that is not an update, and 404 on other paths', async () => {
    expect((await bot.post('{"update_id": 1, "message": ', { raw: true })).status).toBe(400);
    expect((await bot.post({ message: { text: '/start' } })).status).toBe(400);
    expect((await bot.post([1, 2, 3])).status).toBe(400);
    const res = await fetch(`${bot.url}/telegram/other`);
    expect(res.status).toBe(404);
  });
});

describe('/start', () => {
  it('registers the player with their Telegram id, username and name, and greets them in Russian', async () => {
    const from = telegramUser(7101, { first_name: 'Анна', last_name: 'К', username: 'anna_k' });
    expect(texts(await say(from, '/start'))).toEqual([expect.stringContaining('Привет, Анна К! Добро пожаловать')]);
    const u = await account(7101);
    expect(u).toMatchObject({
      username: 'anna_k',
      display_name: 'Анна К',
      locale: 'ru',
      primary_platform: 'telegram',
      platforms: ['telegram'],
    });
    expect((await eventsOf(7101)).map((e) => [e.event_type, e.data])).toEqual([
      ['user_registered', { platform: 'telegram', username: 'anna_k' }],
    ]);

    expect(texts(await say(from, '/start'))).toEqual([expect.stringContaining('С возвращением, Анна К!')]);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM unified_users WHERE telegram_id = 7101');
    expect(rows[0].n).toBe(1);
    expect(await eventsOf(7101)).toHaveLength(1);
  });

  it('speaks English to a player whose Telegram language is English', async () => {
    const from = telegramUser(7102, { first_name: 'Bob', language_code: 'en-GB' });
    expect(texts(await say(from, '/start'))).toEqual([expect.stringContaining('Hi, Bob! Welcome to TTFD.')]);
    expect((await account(7102)).locale).toBe('en');
    expect(texts(await say(from, '/daily'))).toEqual([
      '🎁 Daily reward: +50 XP, +20 coins.\n🔥 Streak: 1 day(s) in a row.',
    ]);
  });
});

describe('/daily', () => {
  it('pays the daily reward once a day and says when the next one comes', async () => {
    const from = telegramUser(7201);
    expect(texts(await say(from, '/daily'))).toEqual([
      '🎁 Ежедневная награда: +50 опыта, +20 монет.\n🔥 Серия: 1 дн. подряд.',
    ]);
    expect(await account(7201)).toMatchObject({ xp: '50', coins: '20', daily_streak: 1 });
    expect(texts(await say(from, '/daily'))).toEqual([
      expect.stringMatching(/^Награда за сегодня уже получена\. Следующая через \d+ ч \d+ мин\.$/),
    ]);
    expect(await account(7201)).toMatchObject({ xp: '50', coins: '20', daily_streak: 1 });
    const events = await eventsOf(7201);
    expect(events.map((e) => e.event_type)).toEqual(['user_registered', 'xp_change', 'daily_claimed']);
    expect(events.every((e) => e.source_platform === 'telegram')).toBe(true);
  });
});

describe('/dice', () => {
  it('rolls for the player and for the bot, records a won game and pays the win', async () => {
    const from = telegramUser(7301);
    fake.diceValues.push(6, 2);
    const update = messageUpdate(from, '/dice');
    const before = sentTo(fake, 7301).length;
    expect((await bot.post(update)).status).toBe(200);
    const sent = sentTo(fake, 7301).slice(before);
    expect(sent.map((c) => c.method)).toEqual(['sendDice', 'sendDice', 'sendMessage']);
    expect(sent[0]!.params).toMatchObject({
      emoji: '🎲',
      reply_parameters: { message_id: update.message.message_id, allow_sending_without_reply: true },
    });
    expect(sent[1]!.params.reply_parameters).toBeUndefined();
    expect(sent[2]!.params.text).toBe('🎲 Вы: 6, бот: 2. Вы победили! +25 опыта, +10 монет.');
    expect(await account(7301)).toMatchObject({ xp: '25', coins: '10', games_played: 1, games_won: 1 });
    const game = (await eventsOf(7301)).find((e) => e.event_type === 'xp_change');
    // The key names the bot (getMe's id): update ids restart with a new token.
    expect(game).toMatchObject({ dedupe_key: `telegram:7000000001:update:${update.update_id}` });
    expect((await eventsOf(7301)).find((e) => e.event_type === 'game_played')?.data).toMatchObject({
      game: 'dice',
      won: true,
      xp_delta: 25,
      coins_delta: 10,
    });
  });

  it('plays once when Telegram delivers the same /dice update again, and says so', async () => {
    const from = telegramUser(7304);
    fake.diceValues.push(1, 6);
    const update = messageUpdate(from, '/dice');
    await bot.post(update);
    await bot.post(update);
    expect(sentTo(fake, 7304).map((c) => c.method)).toEqual(['sendDice', 'sendDice', 'sendMessage', 'sendMessage']);
    expect(sentTo(fake, 7304).at(-1)!.params.text).toBe('🎲 Эта игра уже сыграна, результат выше.');
    expect(await account(7304)).toMatchObject({ games_played: 1, xp: '5' });
  });

  it('plays an update whose id another bot token already used', async () => {
    const from = telegramUser(7305);
    const { userId } = await createProgression({ pool: db.pool, wake: createWake(db.pool) }).award({
      player: { platform: 'telegram', id: 7305 },
      xp: 1,
      reason: 'message',
      source: 'telegram',
      // The same update id, seen by the bot under its previous token (and in the old key format).
      dedupeKey: 'telegram:update:990077',
    });
    await db.pool.query(
      `INSERT INTO cross_platform_events (user_id, event_type, source_platform, data, dedupe_key)
       VALUES ($1, 'notification_settings_changed', 'telegram', '{"enabled": true}', 'telegram:5550001:update:990078')`,
      [userId],
    );
    fake.diceValues.push(4, 2);
    await bot.post(messageUpdate(from, '/dice', { updateId: 990077 }));
    expect(texts(sentTo(fake, 7305))).toEqual(['🎲 Вы: 4, бот: 2. Вы победили! +25 опыта, +10 монет.']);
    await bot.post(messageUpdate(from, '/notify off', { updateId: 990078 }));
    expect((await account(7305)).telegram_notifications).toBe(false);
  });

  it('refuses a second game within the cooldown without rolling', async () => {
    const from = telegramUser(7301);
    const sent = await say(from, '/dice');
    expect(sent.map((c) => c.method)).toEqual(['sendMessage']);
    expect(sent[0]!.params.text).toMatch(/^Не так быстро! Следующая игра через (2\d|30) с\.$/);
    expect(await account(7301)).toMatchObject({ games_played: 1, xp: '25' });
  });

  it('records a lost game with the consolation XP, and a draw', async () => {
    const loser = telegramUser(7302);
    fake.diceValues.push(2, 5);
    expect(texts(await say(loser, '/dice'))).toEqual(['🎲 Вы: 2, бот: 5. Победил бот. +5 опыта.']);
    expect(await account(7302)).toMatchObject({ xp: '5', coins: '0', games_played: 1, games_won: 0 });

    const drawer = telegramUser(7303, { language_code: 'en' });
    fake.diceValues.push(3, 3);
    expect(texts(await say(drawer, '/dice'))).toEqual(['🎲 You: 3, bot: 3. A draw. +5 XP.']);
    expect(await account(7303)).toMatchObject({ xp: '5', games_played: 1, games_won: 0 });
  });
});

describe('/profile', () => {
  it('shows XP, rank and progress, coins, games, streak, achievements and platforms; /me is the same', async () => {
    const from = telegramUser(7301, { first_name: 'Dice', last_name: 'Winner' });
    const [reply] = texts(await say(from, '/profile'));
    expect(reply).toBe(
      [
        '👤 Player7301',
        '🎖 Ранг: Новобранец',
        '⭐ Опыт: 25 (до «Рядовой» 75, 25%)',
        '🏁 Опыт за сезон: 25',
        '🪙 Монеты: 10',
        '🎲 Игр: 1, побед: 1',
        '🔥 Серия: 0 дн.',
        '🏆 Достижения: Первая игра',
        '🔗 Платформы: Telegram',
      ].join('\n'),
    );
    expect(texts(await say(from, '/me'))).toEqual([reply]);
  });

  it('registers a player who starts with /profile', async () => {
    const from = telegramUser(7401, { language_code: 'en' });
    const [reply] = texts(await say(from, '/profile'));
    expect(reply).toContain('🎖 Rank: Recruit');
    expect(reply).toContain('⭐ XP: 0 (100 to Private, 0%)');
    expect(reply).toContain('🏆 Achievements: none yet');
    expect(await account(7401)).toBeDefined();
  });
});

describe('/top', () => {
  it('lists the best players overall and of the season, with the player’s own position', async () => {
    const progression = createProgression({ pool: db.pool, wake: createWake(db.pool) });
    for (const [id, xp, season] of [
      [7501, 5000, 100],
      [7502, 4000, 900],
      [7503, 3000, 60],
    ] as const) {
      const { userId } = await progression.award({
        player: { platform: 'telegram', id },
        xp,
        reason: 'admin',
        source: 'system',
        profile: { displayName: `Top${id}` },
      });
      await db.pool.query('UPDATE unified_users SET current_season_xp = $2 WHERE id = $1', [userId, season]);
    }
    const from = telegramUser(7302);
    const [overall] = texts(await say(from, '/top'));
    const lines = overall!.split('\n');
    expect(lines[0]).toBe('🏆 Лучшие игроки за всё время');
    expect(lines.slice(2, 5)).toEqual(['1. Top7501 — 5000', '2. Top7502 — 4000', '3. Top7503 — 3000']);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int + 1 AS position FROM unified_users u, unified_users me
       WHERE me.telegram_id = 7302 AND u.merged_into IS NULL AND (u.xp > me.xp OR (u.xp = me.xp AND u.id < me.id))`,
    );
    expect(overall).toContain(`Ваше место: ${rows[0].position} (5 опыта).`);
    expect(overall).toContain('Сезон: /top season');

    const [season] = texts(await say(from, '/top season'));
    expect(season!.split('\n').slice(0, 5)).toEqual([
      '🏁 Лучшие игроки сезона «Season 1»',
      '',
      '1. Top7502 — 900',
      '2. Top7501 — 100',
      '3. Top7503 — 60',
    ]);
    const winner = telegramUser(7501);
    expect(texts(await say(winner, '/top'))[0]).toContain('👉 1. Top7501 — 5000');
  });
});

describe('/notify', () => {
  it('turns notifications off and on, with one event per change', async () => {
    const from = telegramUser(7601);
    expect(texts(await say(from, '/notify'))).toEqual([
      'Уведомления в Telegram сейчас включены. Изменить: /notify on или /notify off (в Discord — своя /notify).',
    ]);
    expect(texts(await say(from, '/notify off'))).toEqual(['🔕 Уведомления в Telegram выключены.']);
    expect(await account(7601)).toMatchObject({ telegram_notifications: false, discord_notifications: true });
    expect(texts(await say(from, '/notify off'))).toEqual(['🔕 Уведомления в Telegram выключены.']);
    expect(texts(await say(from, '/notify on'))).toEqual(['🔔 Уведомления в Telegram включены.']);
    expect(await account(7601)).toMatchObject({ telegram_notifications: true, discord_notifications: true });
    const changes = (await eventsOf(7601)).filter((e) => e.event_type === 'notification_settings_changed');
    expect(changes.map((e) => e.data)).toEqual([
      { platform: 'telegram', enabled: false },
      { platform: 'telegram', enabled: true },
    ]);
    expect(changes.every((e) => e.dedupe_key?.startsWith('telegram:7000000001:update:'))).toBe(true);
    // The same /notify delivered again changes nothing and still answers.
    const update = messageUpdate(from, '/notify off');
    await bot.post(update);
    const before = sentTo(fake, 7601).length;
    await bot.post(update);
    expect(texts(sentTo(fake, 7601).slice(before))).toEqual(['🔕 Уведомления в Telegram выключены.']);
    expect((await eventsOf(7601)).filter((e) => e.event_type === 'notification_settings_changed')).toHaveLength(3);
  });
  it('says which platform refused delivery and what to do, in Russian and English; /notify on tries again', async () => {
    for (const [id, locale] of [
      [7602, 'ru'],
      [7603, 'en'],
    ] as const) {
      const from = telegramUser(id, { language_code: locale });
      await say(from, '/start');
      const discordId = `${id}00000000000001`;
      const { userId } = await account(id).then((a) => ({ userId: String(a.id) }));
      await db.pool.query(`UPDATE unified_users SET discord_id = $2 WHERE id = $1`, [userId, discordId]);
      await markUnreachable(db.pool, [
        {
          userId,
          target: 'telegram:message',
          identity: String(id),
          reason: 'telegram: 403 Forbidden: bot was blocked',
        },
        { userId, target: 'discord:dm', identity: discordId, reason: 'discord: 50007 Cannot send messages' },
        { userId, target: 'discord:roles', identity: discordId, reason: 'discord: 10007 Unknown Member' },
      ]);
      const [screen] = texts(await say(from, '/notify'));
      // Telegram is not listed: writing to the bot turned its messages back on.
      expect(screen!.split('\n')).toEqual(
        locale === 'ru'
          ? [
              'Уведомления в Telegram сейчас включены. Изменить: /notify on или /notify off (в Discord — своя /notify).',
              '⚠️ Discord: личные сообщения от бота закрыты — сообщения в Discord приостановлены. Разрешите личные сообщения от участников сервера и отправьте /notify on.',
              '⚠️ Discord: вас нет на сервере — роль за ранг не выдаётся. Вернитесь на сервер и отправьте /notify on.',
            ]
          : [
              'Notifications in Telegram are on. Change with /notify on or /notify off (Discord has its own /notify).',
              '⚠️ Discord: your direct messages are closed to the bot — Discord messages are paused. Allow direct messages from server members, then send /notify on.',
              '⚠️ Discord: you are not on the server — your rank role is paused. Rejoin the server, then send /notify on.',
            ],
      );
      await waitUntil(async () => (await refusedOf(userId)).length === 2, 5_000, 'Telegram turned back on');
      expect(await refusedOf(userId)).toEqual(['discord:dm', 'discord:roles']);
      await say(from, '/notify on');
      expect(await refusedOf(userId)).toEqual([]);
      expect(texts(await say(from, '/notify'))).toEqual([
        locale === 'ru'
          ? 'Уведомления в Telegram сейчас включены. Изменить: /notify on или /notify off (в Discord — своя /notify).'
          : 'Notifications in Telegram are on. Change with /notify on or /notify off (Discord has its own /notify).',
      ]);
    }
  });
});

describe('/help', () => {
  it('lists every command in the player’s language', async () => {
    const [reply] = texts(await say(telegramUser(7701, { language_code: 'en' }), '/help'));
    expect(reply!.split('\n')).toEqual([
      'Commands:',
      '/start — Sign up and say hello',
      '/profile — Your profile: XP, rank, coins',
      '/daily — Daily reward',
      '/dice — Play dice against the bot',
      '/top — Leaderboard (/top season for this season)',
      '/link — Link your Telegram, Discord and website accounts',
      '/notify — Notifications in Telegram: /notify on or /notify off',
      '/help — List of commands',
    ]);
  });
});

describe('updates the bot does not act on', () => {
  it('ignores edited messages, channel posts, other bots and commands meant for another bot', async () => {
    const from = telegramUser(7801);
    const calls = fake.calls.length;
    const edited = messageUpdate(from, '/daily');
    const responses = await Promise.all([
      bot.post({ update_id: edited.update_id, edited_message: { ...edited.message, edit_date: 1 } }),
      bot.post({
        update_id: edited.update_id + 100_000,
        channel_post: { message_id: 1, chat: { id: -1001, type: 'channel', title: 'News' }, date: 1, text: '/daily' },
      }),
      bot.post(messageUpdate(telegramUser(7802, { is_bot: true }), '/daily')),
      bot.post(messageUpdate(from, '/daily@some_other_bot')),
      bot.post({ update_id: edited.update_id + 200_000, poll: { id: '1', question: 'q', options: [] } }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(fake.calls.length).toBe(calls);
    expect(await account(7801)).toBeUndefined();
  });

  it('runs commands with this bot’s @suffix', async () => {
    expect(texts(await say(telegramUser(7803), '/daily@ttfd_test_bot'))[0]).toContain('Ежедневная награда: +50');
    expect(texts(await say(telegramUser(7803), '/PROFILE@TTFD_TEST_BOT'))[0]).toContain('Опыт: 50');
  });

  it('answers stickers, plain text and unknown commands in private with a hint', async () => {
    const from = telegramUser(7804);
    const sticker = await say(from, null, {
      extra: { sticker: { file_id: 'x', type: 'regular', width: 1, height: 1 } },
    });
    expect(texts(sticker)).toEqual(['Я понимаю только команды. /help — список команд.']);
    expect(texts(await say(from, 'привет'))).toEqual(['Я понимаю только команды. /help — список команд.']);
    expect(texts(await say(from, '/dance'))).toEqual(['Такой команды нет. /help — список команд.']);
    expect(texts(await say(from, '/'))).toEqual(['Такой команды нет. /help — список команд.']);
  });

  it('points group members to the private chat and awards nothing there', async () => {
    const from = telegramUser(7805);
    const group = { id: -100200300, type: 'supergroup', title: 'TTFD chat' };
    const before = sentTo(fake, group.id).length;
    await bot.post(messageUpdate(from, '/daily@ttfd_test_bot', { chat: group }));
    await bot.post(messageUpdate(from, 'hello everyone', { chat: group }));
    await bot.post(messageUpdate(from, '/daily@other_bot', { chat: group }));
    expect(texts(sentTo(fake, group.id).slice(before))).toEqual([
      'Эта команда работает в личном чате: https://t.me/ttfd_test_bot',
    ]);
    expect(await account(7805)).toBeUndefined();
  });

  it('stops the spinner of a button it does not know', async () => {
    const res = await bot.post(callbackUpdate(telegramUser(7806), 'something-old'));
    expect(res.status).toBe(200);
    expect(fake.callsOf('answerCallbackQuery').at(-1)!.params).toEqual({
      callback_query_id: expect.any(String),
    });
  });
});

describe('Bot API failures', () => {
  it('waits the retry_after Telegram asks for on 429 and then delivers the reply', async () => {
    const from = telegramUser(7901);
    fake.fail('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', retry_after: 1 });
    const sent = await say(from, '/help');
    expect(sent).toHaveLength(2);
    expect(sent[1]!.params.text).toContain('/daily');
    expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('logs a failed command with its update id, apologises, and lets the player play again', async () => {
    const from = telegramUser(7902);
    fake.fail('sendDice', { error_code: 400, description: 'Bad Request: something broke' });
    const update = messageUpdate(from, '/dice');
    expect((await bot.post(update)).status).toBe(200);
    expect(textsOf(sentTo(fake, 7902))).toEqual(['Что-то пошло не так. Попробуйте ещё раз чуть позже.']);
    const failure = bot.logs.find((l) => l.msg === 'update failed' && l.updateId === update.update_id);
    expect(failure).toMatchObject({ type: 'message', err: { message: expect.stringContaining('something broke') } });
    expect((await account(7902))?.games_played ?? 0).toBe(0);

    fake.diceValues.push(4, 4);
    expect(texts(await say(from, '/dice'))).toEqual(['🎲 Вы: 4, бот: 4. Ничья. +5 опыта.']);
  });
});

describe('metrics', () => {
  it('counts updates by type and outcome and times commands', async () => {
    const { status, body } = await bot.get('/metrics');
    expect(status).toBe(200);
    const updates = (type: string, outcome: string) =>
      metricValue(body, 'ttfd_telegram_updates_total', { type, outcome, service: 'telegram' });
    const commands = (command: string) =>
      metricValue(body, 'ttfd_telegram_command_duration_seconds_count', { command });
    expect(updates('message', 'handled')).toBeGreaterThan(20);
    expect(updates('message', 'ignored')).toBe(4);
    expect(updates('edited_message', 'ignored')).toBe(1);
    expect(updates('channel_post', 'ignored')).toBe(1);
    expect(updates('callback_query', 'ignored')).toBe(1);
    expect(updates('message', 'error')).toBe(1);
    expect(updates('unknown', 'unauthorized')).toBe(1);
    expect(updates('unknown', 'forbidden')).toBe(2);
    expect(updates('unknown', 'malformed')).toBe(3);
    expect(commands('dice')).toBe(9);
    expect(commands('profile')).toBe(4);
    expect(commands('top')).toBe(3);
    expect(metricValue(body, 'ttfd_xp_awarded_total', { platform: 'telegram' })).toBeGreaterThan(0);
  });

  it('leaves the ledger exact', async () => {
    expect((await findLedgerMismatches(db.pool)).mismatches).toEqual([]);
  });
});

describe('reachability', () => {
  it('turns the sync worker’s Telegram messages back on when a player who had blocked the bot writes to it', async () => {
    const from = telegramUser(7_700_001);
    await say(from, '/start');
    const { id: userId } = await account(from.id);
    await db.pool.query(
      `INSERT INTO unreachable_targets (user_id, target, identity, reason)
       VALUES ($1, 'telegram:message', $2, 'telegram: 403 Forbidden: bot was blocked by the user')`,
      [userId, String(from.id)],
    );
    await say(from, '/profile');
    await waitUntil(
      async () =>
        (await db.pool.query('SELECT 1 FROM unreachable_targets WHERE user_id = $1', [userId])).rowCount === 0,
      5_000,
      'the player to be reachable again',
    );
  });
});
