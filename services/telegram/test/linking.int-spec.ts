import { createLinking, createProgression, createWake, findLedgerMismatches, type Linking } from '@ttfd/shared';
import { createTestDatabase, startFakeTelegram, type FakeTelegram, type TestDatabase } from '@ttfd/testing';
import { sentTo, startTestBot, textsOf, type TestBot } from './harness';
import { callbackUpdate, messageUpdate, telegramUser } from './updates';

let db: TestDatabase;
let fake: FakeTelegram;
let bot: TestBot;
let linking: Linking;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 4 });
  fake = await startFakeTelegram();
  bot = await startTestBot(db, fake);
  linking = createLinking({ pool: db.pool, wake: createWake(db.pool) });
});
afterAll(async () => {
  await bot?.service.stop();
  await fake?.close();
  await db?.drop();
});

const progression = () => createProgression({ pool: db.pool, wake: createWake(db.pool) });

async function liveAccountsOf(telegramId: number, discordId: string) {
  const { rows } = await db.pool.query(
    `SELECT * FROM unified_users WHERE merged_into IS NULL AND (telegram_id = $1 OR discord_id = $2)`,
    [telegramId, discordId],
  );
  return rows;
}
async function say(from: ReturnType<typeof telegramUser>, text: string) {
  const before = sentTo(fake, from.id).length;
  expect((await bot.post(messageUpdate(from, text))).status).toBe(200);
  return sentTo(fake, from.id).slice(before);
}
const lastMessageTo = (chatId: number) => fake.messages.filter((m) => m.chat_id === String(chatId)).at(-1)!;

describe('a code made in Telegram', () => {
  it('is redeemed from Discord through the Identity domain, leaving one account', async () => {
    const from = telegramUser(8101);
    await say(from, '/daily');
    const [reply] = textsOf(await say(from, '/link'));
    const m =
      /^🔗 Код для связки аккаунтов: ([0-9A-Z]{10})\nВведите его на сайте или в Discord \(\/link \1\) в течение 10 мин\.$/.exec(
        reply!,
      );
    // No deep link: another Telegram account could never take a Telegram code (the account has Telegram already).
    expect(m).not.toBeNull();
    const discordId = '810000000000000001';
    const discord = { platform: 'discord' as const, id: discordId };
    await progression().ensureUser(discord);

    const asked = await linking.redeemLinkCode(discord, m![1]!);
    expect(asked).toMatchObject({
      status: 'needs_confirmation',
      other: { identities: [{ platform: 'telegram', shown: '…8101' }] },
    });
    if (asked.status !== 'needs_confirmation') throw new Error(asked.status);
    const result = await linking.confirmMerge({ confirmToken: asked.confirmToken, by: discord });
    expect(result.status).toBe('merged');
    const live = await liveAccountsOf(8101, discordId);
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ telegram_id: '8101', discord_id: discordId, xp: '50' });
    expect(live[0].platforms).toEqual(['telegram', 'discord']);
    expect(textsOf(await say(from, '/profile'))[0]).toContain('🔗 Платформы: Telegram, Discord');
  });
});

describe('a code made elsewhere', () => {
  it('is redeemed with /link <code> by a new Telegram user', async () => {
    const discordId = '810000000000000002';
    await progression().award({
      player: { platform: 'discord', id: discordId },
      xp: 30,
      reason: 'message',
      source: 'discord',
    });
    const { code } = await linking.createLinkCode({ platform: 'discord', id: discordId });
    const from = telegramUser(8102, { language_code: 'en' });
    const sent = await say(from, `/link ${code.toLowerCase()}`);
    expect(textsOf(sent)).toEqual([
      '⚠️ Join this Telegram account to another account?\n\n' +
        'The other account: Discord …0002.\n' +
        'The other account stays; this Telegram and its progress move into it.\n' +
        'Whoever uses the other account will control the joined one too: spend its coins and unlink your Telegram. ' +
        'Confirm only if that account is yours.\n\n' +
        'This cannot be undone.',
    ]);
    expect(await liveAccountsOf(8102, discordId)).toHaveLength(1);
    const [[merge]] = sent[0]!.params.reply_markup.inline_keyboard;
    await bot.post(callbackUpdate(from, merge.callback_data, { message_id: lastMessageTo(8102).message_id }));
    expect(lastMessageTo(8102).text).toBe('✅ Accounts linked. Platforms: Telegram, Discord.');
    const live = await liveAccountsOf(8102, discordId);
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ telegram_id: '8102', xp: '30' });
  });

  it('is redeemed through the deep link /start link_<code> without creating a second account', async () => {
    const discordId = '810000000000000003';
    await progression().award({
      player: { platform: 'discord', id: discordId },
      xp: 10,
      reason: 'message',
      source: 'discord',
    });
    const { deepLinkPayload } = await linking.createLinkCode({ platform: 'discord', id: discordId });
    const from = telegramUser(8103);
    const sent = await say(from, `/start ${deepLinkPayload}`);
    expect(textsOf(sent)).toEqual([expect.stringMatching(/^⚠️ Присоединить этот Telegram к другому аккаунту\?/)]);
    const [[merge]] = sent[0]!.params.reply_markup.inline_keyboard;
    await bot.post(callbackUpdate(from, merge.callback_data, { message_id: lastMessageTo(8103).message_id }));
    expect(lastMessageTo(8103).text).toBe('✅ Аккаунты связаны. Платформы: Telegram, Discord.');
    const { rows } = await db.pool.query(
      'SELECT count(*)::int AS n FROM unified_users WHERE telegram_id = 8103 OR discord_id = $1',
      [discordId],
    );
    expect(rows[0].n).toBe(1);
    expect(textsOf(await say(from, `/start ${deepLinkPayload}`))).toEqual([
      'Код неверный или просрочен. Создайте новый командой /link.',
    ]);
  });

  it('refuses a wrong code, then too many attempts', async () => {
    const from = telegramUser(8104);
    for (let i = 0; i < 5; i++) {
      expect(textsOf(await say(from, '/link 0000000000'))).toEqual([
        'Код неверный или просрочен. Создайте новый командой /link.',
      ]);
    }
    expect(textsOf(await say(from, '/link 0000000000'))).toEqual([
      expect.stringMatching(/^Слишком много попыток\. Попробуйте через (9|10) мин\.$/),
    ]);
  });
});

describe('merging two accounts with progress', () => {
  async function twoAccounts(telegramId: number, discordId: string) {
    const from = telegramUser(telegramId);
    await say(from, '/daily');
    await progression().award({
      player: { platform: 'discord', id: discordId },
      xp: 70,
      coins: 5,
      reason: 'message',
      source: 'discord',
      profile: { username: 'vasya', displayName: 'Вася' },
    });
    const { code } = await linking.createLinkCode({ platform: 'discord', id: discordId });
    const sent = await say(from, `/link ${code}`);
    return { from, sent };
  }

  it('shows the preview with Merge and Cancel buttons, and merges on Merge', async () => {
    const discordId = '810000000000000005';
    const { from, sent } = await twoAccounts(8105, discordId);
    expect(textsOf(sent)).toEqual([
      '⚠️ Присоединить этот Telegram к другому аккаунту?\n\n' +
        'Другой аккаунт: Discord …0005 (Вася, @vasya).\n' +
        'Остаётся ваш аккаунт; другой аккаунт и его прогресс переходят в него.\n' +
        'Кто пользуется другим аккаунтом, будет управлять и общим: тратить монеты и отвязать ваш Telegram. ' +
        'Подтверждайте, только если тот аккаунт ваш.\n\n' +
        'Этот аккаунт: 50 опыта, 20 монет, 0 игр (Telegram)\n' +
        'Другой: 70 опыта, 5 монет, 0 игр (Discord)\n' +
        'После объединения: 120 опыта, 25 монет, 0 игр (Telegram, Discord)\n\n' +
        'Отменить это будет нельзя.',
    ]);
    const keyboard = sent[0]!.params.reply_markup.inline_keyboard;
    expect(keyboard).toEqual([
      [
        { text: '✅ Объединить', callback_data: expect.stringMatching(/^merge:[\w-]{22}$/) },
        { text: '✖ Отмена', callback_data: expect.stringMatching(/^merge-cancel:[\w-]{22}$/) },
      ],
    ]);
    expect(await liveAccountsOf(8105, discordId)).toHaveLength(2);

    const message = { message_id: lastMessageTo(8105).message_id };
    const press = callbackUpdate(from, keyboard[0][0].callback_data, message);
    expect((await bot.post(press)).status).toBe(200);
    const live = await liveAccountsOf(8105, discordId);
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ telegram_id: '8105', discord_id: discordId, xp: '120', coins: '25' });
    expect(lastMessageTo(8105).text).toBe('✅ Аккаунты объединены: 120 опыта, 25 монет. Платформы: Telegram, Discord.');
    expect(fake.callsOf('answerCallbackQuery').at(-1)!.params).toEqual({ callback_query_id: press.callback_query.id });
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM cross_platform_events WHERE user_id = $1 AND event_type = 'accounts_merged'`,
      [live[0].id],
    );
    expect(rows[0].n).toBe(1);

    // The same press delivered again changes nothing and keeps the result on screen.
    const edits = fake.callsOf('editMessageText').length;
    expect((await bot.post({ ...press, update_id: press.update_id })).status).toBe(200);
    expect(fake.callsOf('editMessageText')).toHaveLength(edits);
    expect(fake.callsOf('answerCallbackQuery').at(-1)!.params.text).toBe(
      'Это предложение уже недействительно. Создайте новый код командой /link.',
    );
    expect(await liveAccountsOf(8105, discordId)).toHaveLength(1);
    expect((await findLedgerMismatches(db.pool)).mismatches).toEqual([]);
  });

  it('keeps both accounts on Cancel, and the token stops working', async () => {
    const discordId = '810000000000000006';
    const { from, sent } = await twoAccounts(8106, discordId);
    const [[merge, cancel]] = sent[0]!.params.reply_markup.inline_keyboard;
    const message = { message_id: lastMessageTo(8106).message_id };
    await bot.post(callbackUpdate(from, cancel.callback_data, message));
    expect(lastMessageTo(8106).text).toBe('Объединение отменено.');
    await bot.post(callbackUpdate(from, merge.callback_data, message));
    expect(fake.callsOf('answerCallbackQuery').at(-1)!.params.text).toBe(
      'Это предложение уже недействительно. Создайте новый код командой /link.',
    );
    expect(await liveAccountsOf(8106, discordId)).toHaveLength(2);
  });

  it("does not let someone else press Merge or Cancel, and the offer stays the player's", async () => {
    const discordId = '810000000000000007';
    const { from, sent } = await twoAccounts(8107, discordId);
    const [[merge, cancel]] = sent[0]!.params.reply_markup.inline_keyboard;
    const stranger = telegramUser(8199);
    for (const button of [merge, cancel]) {
      await bot.post(callbackUpdate(stranger, button.callback_data, { message_id: 1, chatId: 8107 }));
      expect(await liveAccountsOf(8107, discordId)).toHaveLength(2);
      expect(fake.callsOf('answerCallbackQuery').at(-1)!.params.text).toBe(
        'Это предложение уже недействительно. Создайте новый код командой /link.',
      );
    }
    await bot.post(callbackUpdate(from, merge.callback_data, { message_id: lastMessageTo(8107).message_id }));
    expect(await liveAccountsOf(8107, discordId)).toHaveLength(1);
  });
});
