import { createProgression, createWake } from '@ttfd/shared';
import { createTestDatabase, startFakeTelegram, type FakeTelegram, type TestDatabase } from '@ttfd/testing';
import { sentTo, startTestBot, textsOf, type TestBot } from './harness';
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

async function say(from: ReturnType<typeof telegramUser>, text: string) {
  const before = sentTo(fake, from.id).length;
  expect((await bot.post(messageUpdate(from, text))).status).toBe(200);
  return sentTo(fake, from.id).slice(before);
}

/** A Discord member of the old bot who typed `telegramId` in, as `ttfd import-legacy` leaves it. */
async function claimFromOldDiscord(discordId: string, username: string, telegramId: number) {
  const progression = createProgression({ pool: db.pool, wake: createWake(db.pool) });
  await progression.ensureUser({ platform: 'discord', id: discordId }, { username, displayName: username });
  await progression.award({
    player: { platform: 'discord', id: discordId },
    xp: 40,
    reason: 'message',
    source: 'discord',
  });
  await db.pool.query(
    `INSERT INTO legacy_link_proposals (telegram_id, claimant_platform, claimant_identity, user_id)
     SELECT $1, 'discord', $2, id FROM unified_users WHERE discord_id = $2`,
    [telegramId, discordId],
  );
}

describe('/start with a legacy link proposal', () => {
  it('asks "Discord user X says this is you — link?" and links on the press', async () => {
    await claimFromOldDiscord('910000000000004321', 'old_gamer', 9101);
    const from = telegramUser(9101, { language_code: 'en' });
    const sent = await say(from, '/start');
    const texts = textsOf(sent);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toMatch(
      /^🔗 Discord …4321 \(old_gamer, @old_gamer\) says this Telegram account is theirs \(it was typed into the old bot or site\)\. Link\?\n\n⚠️ Join this Telegram account to another account\?/,
    );
    const keyboard = sent[1]!.params.reply_markup.inline_keyboard;
    expect(keyboard[0].map((b: { callback_data: string }) => b.callback_data.split(':')[0])).toEqual([
      'merge',
      'merge-cancel',
    ]);

    // Asked once: another /start does not ask again while the question stands.
    expect(textsOf(await say(from, '/start'))).toHaveLength(1);

    expect((await bot.post(callbackUpdate(from, keyboard[0][0].callback_data, { message_id: 1 }))).status).toBe(200);
    const { rows } = await db.pool.query(
      `SELECT telegram_id::text, discord_id, xp::int FROM unified_users WHERE merged_into IS NULL AND (telegram_id = 9101 OR discord_id = '910000000000004321')`,
    );
    expect(rows).toEqual([{ telegram_id: '9101', discord_id: '910000000000004321', xp: 40 }]);
    const { rows: left } = await db.pool.query(`SELECT count(*)::int AS n FROM legacy_link_proposals`);
    expect(left[0].n).toBe(0);
  });

  it('in Russian, and the player can say no', async () => {
    await claimFromOldDiscord('910000000000005555', 'не_я', 9102);
    const from = telegramUser(9102);
    const sent = await say(from, '/start');
    expect(textsOf(sent)[1]).toMatch(
      /^🔗 Discord …5555 \(не_я, @не_я\) указал этот Telegram как свой \(в старом боте или на сайте\)\. Связать\?/,
    );
    const cancel = sent[1]!.params.reply_markup.inline_keyboard[0][1].callback_data;
    expect((await bot.post(callbackUpdate(from, cancel, { message_id: 1 }))).status).toBe(200);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM unified_users WHERE merged_into IS NULL AND (telegram_id = 9102 OR discord_id = '910000000000005555')`,
    );
    expect(rows[0].n).toBe(2);
    expect(textsOf(await say(from, '/start'))).toHaveLength(1);
  });
});
