import { createCanvas, loadImage } from '@napi-rs/canvas';
import { Client } from 'pg';
import {
  createLinking,
  createProgression,
  createWake,
  markUnreachable,
  RANK_CARD_HEIGHT,
  RANK_CARD_WIDTH,
} from '@ttfd/shared';
import {
  CALLBACK,
  createTestDatabase,
  fakeUser,
  MESSAGE_FLAGS,
  startFakeDiscord,
  waitUntil,
  type CommandOptionInput,
  type FakeAppMessage,
  type FakeDiscord,
  type FakeInteraction,
  type FakeMember,
  type TestDatabase,
} from '@ttfd/testing';
import { addCommunityGuild, GUILD, startTestBot, TEXT, type TestBot } from './harness';

const ALICE = '400000000000000001';
const BOB = '400000000000000002';
const CAROL = '400000000000000003';
const ROBOT = '400000000000000009';
const TELEGRAM_TANYA = 777001234;
const AVATAR_HASH = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

const alice: FakeMember = { user: fakeUser(ALICE, { global_name: 'Алиса 🎮', avatar: AVATAR_HASH }), roles: [] };
const bob: FakeMember = { user: fakeUser(BOB, { global_name: 'Bob' }), roles: [] };
const carol: FakeMember = { user: fakeUser(CAROL, { global_name: 'Carol' }), roles: [] };
const robot: FakeMember = { user: fakeUser(ROBOT, { bot: true }), roles: [] };

let db: TestDatabase;
let fake: FakeDiscord;
let bot: TestBot;

/** A red 64 px PNG: the avatar the stand-in's CDN serves for Alice. */
async function redAvatar(): Promise<Buffer> {
  const canvas = createCanvas(64, 64);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ff0000';
  ctx.fillRect(0, 0, 64, 64);
  return canvas.encode('png');
}

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 3 });
  fake = await startFakeDiscord();
  addCommunityGuild(fake, [alice, bob, carol, robot]);
  fake.cdn.set(`/avatars/${ALICE}/${AVATAR_HASH}.png`, { contentType: 'image/png', data: await redAvatar() });
  bot = await startTestBot(db, fake, { DISCORD_CDN_ROOT: fake.cdnUrl });
});
afterEach(() => {
  fake.interactions.expiryMs = 3000;
});
afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  await db?.drop();
});

function run(
  member: FakeMember,
  name: string,
  locale: string,
  options: CommandOptionInput[] = [],
  resolved?: FakeMember[],
) {
  return fake.interactions.runCommand({
    guildId: GUILD,
    channelId: TEXT,
    member,
    name,
    locale,
    options,
    resolvedMembers: resolved,
  });
}

async function answer(interaction: FakeInteraction): Promise<FakeAppMessage> {
  return fake.interactions.answered(interaction);
}

const ephemeral = (m: FakeAppMessage) => (m.flags & MESSAGE_FLAGS.Ephemeral) !== 0;
const text = (m: FakeAppMessage) =>
  m.embeds
    .map((e) =>
      [e.title, e.description, ...(e.fields ?? []).map((f: any) => `${f.name}: ${f.value}`), e.footer?.text]
        .filter(Boolean)
        .join('\n'),
    )
    .join('\n');

async function pixelAt(png: Buffer, x: number, y: number): Promise<number[]> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  return [...ctx.getImageData(x, y, 1, 1).data];
}

describe('/profile', () => {
  it('answers with an embed and the rank card PNG, with the avatar from the CDN, in English and in Russian', async () => {
    for (const [locale, rankLabel] of [
      ['en-US', '🎖 Rank: Recruit'],
      ['ru', '🎖 Ранг: Новобранец'],
    ] as const) {
      const interaction = run(alice, 'profile', locale);
      const reply = await answer(interaction);
      expect(ephemeral(reply)).toBe(false);
      expect(text(reply)).toContain('👤 Алиса 🎮');
      expect(text(reply)).toContain(rankLabel);
      expect(reply.embeds[0].image.url).toBe('attachment://rank-card.png');
      expect(reply.attachments.map((a) => [a.filename, a.contentType])).toEqual([['rank-card.png', 'image/png']]);
      const png = reply.attachments[0]!.data;
      const image = await loadImage(png);
      expect([image.width, image.height]).toEqual([RANK_CARD_WIDTH, RANK_CARD_HEIGHT]);
      // The middle of the avatar circle is the CDN's red avatar.
      const [r, g, b] = await pixelAt(png, 130, 141);
      expect(r).toBeGreaterThan(230);
      expect(g! + b!).toBeLessThan(30);
    }
    // Through the multipart body of the interaction callback (or of the edit after a deferral).
    const uploads = fake.calls.filter((c) => c.files.length > 0 && /^\/(interactions|webhooks)\//.test(c.path));
    expect(uploads.length).toBeGreaterThanOrEqual(2);
  });

  it('shows another member’s card, draws initials without an avatar, and tells privately when they have no account', async () => {
    const none = await answer(run(alice, 'profile', 'en-US', [{ name: 'member', type: 6, value: CAROL }], [carol]));
    expect(ephemeral(none)).toBe(true);
    expect(text(none)).toBe('Carol has no progress yet.');
    const noneRu = await answer(run(alice, 'profile', 'ru', [{ name: 'member', type: 6, value: CAROL }], [carol]));
    expect(text(noneRu)).toBe('У Carol пока нет прогресса.');
    const botCard = await answer(run(alice, 'profile', 'en-US', [{ name: 'member', type: 6, value: ROBOT }], [robot]));
    expect(text(botCard)).toBe('Bots have no profile.');

    const progression = createProgression({ pool: db.pool, wake: createWake(db.pool) });
    await progression.award({
      player: { platform: 'discord', id: BOB },
      xp: 150,
      reason: 'quest',
      source: 'discord',
      profile: { username: 'bob', displayName: 'Bob' },
    });
    const card = await answer(run(alice, 'profile', 'en-US', [{ name: 'member', type: 6, value: BOB }], [bob]));
    expect(ephemeral(card)).toBe(false);
    expect(text(card)).toContain('👤 Bob');
    expect(text(card)).toContain('🎖 Rank: Private');
    const [r, g, b] = await pixelAt(card.attachments[0]!.data, 130, 141);
    expect([r, g, b]).not.toEqual([255, 0, 0]);
  });
});

describe('/top', () => {
  it('lists the board with the asker’s place, in both languages, by season and by page', async () => {
    const en = await answer(run(bob, 'top', 'en-GB'));
    expect(ephemeral(en)).toBe(false);
    expect(en.embeds[0].title).toBe('🏆 Top players of all time');
    expect(en.embeds[0].description.split('\n')[0]).toBe('👉 **1.** Bob — 150 XP');
    expect(en.embeds[0].footer.text).toBe('Your place: 1 (150 XP)');
    const ru = await answer(run(alice, 'top', 'ru', [{ name: 'season', type: 5, value: true }]));
    expect(ru.embeds[0].title).toMatch(/^🏁 Лучшие игроки сезона «.*»$/);
    expect(ru.embeds[0].description.split('\n')[0]).toBe('**1.** Bob — 150 опыта');
    expect(ru.embeds[0].footer.text).toMatch(/^Ваше место: \d+ \(0 опыта\)$/);
    const page = await answer(run(bob, 'top', 'en-US', [{ name: 'page', type: 4, value: 5 }]));
    expect(page.embeds[0].title).toBe('🏆 Top players of all time — page 5');
    expect(page.embeds[0].description).toBe('Nobody here yet.');
  });
});

describe('/daily', () => {
  it('pays once a day: the reward in public, the refusal privately, in both languages', async () => {
    const first = await answer(run(carol, 'daily', 'en-US'));
    expect(ephemeral(first)).toBe(false);
    expect(first.embeds[0].title).toBe('🎁 Daily reward');
    expect(first.embeds[0].description).toBe('+50 XP, +20 coins.\n🔥 Streak: 1 day(s) in a row.');
    const again = await answer(run(carol, 'daily', 'ru'));
    expect(ephemeral(again)).toBe(true);
    expect(again.embeds[0].description).toMatch(/^Награда за сегодня уже получена\. Следующая через \d+ ч \d+ мин\.$/);
    const { rows } = await db.pool.query(`SELECT xp::int FROM unified_users WHERE discord_id = $1`, [CAROL]);
    expect(rows).toEqual([{ xp: 50 }]);
  });

  it('defers when the database is slow (a held lock) and then edits the answer in', async () => {
    const holder = new Client({ connectionString: db.url });
    await holder.connect();
    try {
      // Bob's account exists (whatever ran before), and its row is what the claim must wait for.
      await createProgression({ pool: db.pool, wake: createWake(db.pool) }).ensureUser({
        platform: 'discord',
        id: BOB,
      });
      await holder.query('BEGIN');
      const locked = await holder.query(`SELECT 1 FROM unified_users WHERE discord_id = $1 FOR UPDATE`, [BOB]);
      expect(locked.rowCount).toBe(1);
      const interaction = run(bob, 'daily', 'en-US');
      await waitUntil(() => interaction.steps.length > 0, 5000, 'the deferral');
      // An answer before the deferral means the claim did not wait for the lock: show what it said.
      if (interaction.steps[0]?.code !== CALLBACK.DeferredReply) {
        throw new Error(
          `answered before the deferral: steps ${JSON.stringify(interaction.steps)}; answer ${JSON.stringify(interaction.original)}; ` +
            `logs ${JSON.stringify(bot.logs.filter((l) => l.level >= 40))}`,
        );
      }
      expect(interaction.steps[0]).toMatchObject({ kind: 'callback', code: CALLBACK.DeferredReply });
      expect(interaction.steps[0]!.at - interaction.createdAt).toBeLessThan(3000);
      expect(interaction.original!.flags & MESSAGE_FLAGS.Loading).not.toBe(0);
      await holder.query('COMMIT');
      const reply = await answer(interaction).catch((err: Error) => {
        throw new Error(
          `${err.message}; steps ${JSON.stringify(interaction.steps)}; logs ${JSON.stringify(bot.logs.filter((l) => l.level >= 40))}`,
        );
      });
      expect(interaction.steps.map((s) => [s.kind, s.code])).toEqual([
        ['callback', CALLBACK.DeferredReply],
        ['edit', undefined],
      ]);
      expect(reply.embeds[0].description).toBe('+50 XP, +20 coins.\n🔥 Streak: 1 day(s) in a row.');
    } finally {
      await holder.end();
    }
  });
});

describe('a private answer after a public deferral', () => {
  it('replaces the public placeholder with a private follow-up (a refused daily claim while the database was slow)', async () => {
    const holder = new Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM unified_users WHERE discord_id = $1 FOR UPDATE`, [CAROL]);
      const interaction = run(carol, 'daily', 'en-US');
      await waitUntil(() => interaction.steps.length > 0, 5000, 'the deferral');
      // The claim waits for the row, so the first step is a public deferral, not an answer.
      const first = { step: interaction.steps[0], original: interaction.original };
      expect({ ...first, logs: bot.logs.filter((l) => l.level >= 40) }).toMatchObject({
        step: { kind: 'callback', code: CALLBACK.DeferredReply },
        original: { flags: MESSAGE_FLAGS.Loading },
      });
      await holder.query('COMMIT');
      await waitUntil(() => interaction.followups.length > 0, 10_000, 'the follow-up');
      expect(interaction.steps.map((s) => [s.kind, s.code])).toEqual([
        ['callback', CALLBACK.DeferredReply],
        ['delete', undefined],
        ['followup', undefined],
      ]);
      expect(interaction.original).toBeNull();
      const followup = interaction.followups[0]!;
      expect(ephemeral(followup)).toBe(true);
      expect(followup.embeds[0].description).toMatch(/^You have already claimed today's reward\./);
    } finally {
      await holder.end();
    }
  });
});

describe('/notify', () => {
  it('turns Discord notifications off and on, leaving Telegram’s, answering privately in the player’s language', async () => {
    const off = await answer(run(bob, 'notify', 'ru', [{ name: 'off', type: 1 }]));
    expect(ephemeral(off)).toBe(true);
    expect(text(off)).toBe('🔕 Уведомления в Discord выключены.');
    const setting = async () =>
      (
        await db.pool.query(
          `SELECT telegram_notifications AS telegram, discord_notifications AS discord FROM unified_users WHERE discord_id = $1`,
          [BOB],
        )
      ).rows[0];
    expect(await setting()).toEqual({ telegram: true, discord: false });
    const { id: userId } = (await db.pool.query(`SELECT id FROM unified_users WHERE discord_id = $1`, [BOB])).rows[0];
    await markUnreachable(db.pool, [
      { userId, target: 'discord:dm', identity: BOB, reason: 'discord: 50007 Cannot send messages' },
    ]);
    const on = await answer(run(bob, 'notify', 'en-US', [{ name: 'on', type: 1 }]));
    expect(text(on)).toBe('🔔 Notifications in Discord are on.');
    expect(await setting()).toEqual({ telegram: true, discord: true });
    // Closed DMs were the reason Discord messages paused: /notify on tries them again.
    expect((await db.pool.query(`SELECT target FROM unreachable_targets WHERE user_id = $1`, [userId])).rows).toEqual(
      [],
    );
    const { rows: changes } = await db.pool.query(
      `SELECT source_platform, data FROM cross_platform_events
       WHERE user_id = $1 AND event_type = 'notification_settings_changed' ORDER BY seq`,
      [userId],
    );
    expect(changes).toEqual([
      { source_platform: 'discord', data: { platform: 'discord', enabled: false } },
      { source_platform: 'discord', data: { platform: 'discord', enabled: true } },
    ]);
  });
});

describe('/link', () => {
  const linking = () => createLinking({ pool: db.pool, wake: createWake(db.pool) });

  it('gives a private code that Telegram can redeem', async () => {
    const reply = await answer(run(alice, 'link', 'en-US'));
    expect(ephemeral(reply)).toBe(true);
    const code = /\*\*([A-Z0-9]+)\*\*/.exec(reply.embeds[0].description)![1]!;
    expect(reply.embeds[0].description).toContain(`/link ${code}`);
    const result = await linking().redeemLinkCode({ platform: 'telegram', id: 555 }, code);
    expect(result.status).toBe('needs_confirmation');
  });

  it('redeems a code only after a confirmation naming the other account; a used button is refused', async () => {
    const progression = createProgression({ pool: db.pool, wake: createWake(db.pool) });
    await progression.ensureUser(
      { platform: 'telegram', id: TELEGRAM_TANYA },
      { displayName: 'Таня', username: 'tanya' },
    );
    for (const [member, locale, ask, merge] of [
      [bob, 'ru', 'Другой аккаунт: **Telegram …1234 (Таня, @tanya)**.', 'Объединить'],
      [carol, 'en-US', 'The other account: **Telegram …1234 (Таня, @tanya)**.', 'Merge'],
    ] as const) {
      const { code } = await linking().createLinkCode({ platform: 'telegram', id: TELEGRAM_TANYA });
      const reply = await answer(run(member, 'link', locale, [{ name: 'code', type: 3, value: code }]));
      expect(ephemeral(reply)).toBe(true);
      expect(reply.embeds[0].description).toContain(ask);
      const buttons = fake.interactions.buttonsOf(reply);
      expect(buttons.map((b) => b.label)).toEqual([merge, locale === 'ru' ? 'Отмена' : 'Cancel']);
      const owner = async () =>
        (
          await db.pool.query(`SELECT telegram_id FROM unified_users WHERE discord_id = $1 AND merged_into IS NULL`, [
            member.user.id,
          ])
        ).rows[0]?.telegram_id ?? null;
      if (locale === 'ru') {
        // Cancel first: nothing is linked and the question is gone.
        const cancel = fake.interactions.pressButton({
          message: reply,
          customId: buttons[1]!.customId,
          member,
          guildId: GUILD,
          locale,
        });
        await answer(cancel);
        expect(cancel.steps[0]).toMatchObject({ kind: 'callback', code: CALLBACK.UpdateMessage });
        expect(text(reply)).toBe('Объединение отменено.');
        expect(fake.interactions.buttonsOf(reply)).toEqual([]);
        expect(await owner()).toBeNull();
        continue;
      }
      const press = fake.interactions.pressButton({
        message: reply,
        customId: buttons[0]!.customId,
        member,
        guildId: GUILD,
        locale,
      });
      await waitUntil(() => press.acknowledged, 10_000, 'the merge');
      expect(press.steps[0]).toMatchObject({ kind: 'callback', code: CALLBACK.UpdateMessage });
      expect(text(reply)).toMatch(/^✅ Accounts (linked|merged)/);
      expect(fake.interactions.buttonsOf(reply)).toEqual([]);
      expect(await owner()).toBe(String(TELEGRAM_TANYA));

      // The same button again (a second click from a stale client): refused privately, nothing changes.
      const second = fake.interactions.pressButton({
        message: { ...reply, components: [] },
        customId: buttons[0]!.customId,
        member,
        guildId: GUILD,
        locale,
      });
      const refusal = await answer(second);
      expect(ephemeral(refusal)).toBe(true);
      expect(text(refusal)).toBe('This offer is no longer valid. Create a new code with /link.');
      expect(await owner()).toBe(String(TELEGRAM_TANYA));
    }
    expect(await bot.handled('interaction_button', 'refused')).toBe(1);
  });
});

describe('the interaction transport', () => {
  it('counts interactions and their latency, never registers commands itself', async () => {
    const metrics = await bot.service.registry.metrics();
    expect(metrics).toMatch(
      /ttfd_discord_events_total\{[^}]*type="interaction_command",outcome="handled"[^}]*\} [1-9]/,
    );
    expect(metrics).toMatch(/ttfd_discord_command_duration_seconds_count\{[^}]*command="profile"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/ttfd_discord_command_duration_seconds_count\{[^}]*command="button:merge"[^}]*\} [1-9]/);
    expect(fake.calls.filter((c) => c.path.startsWith('/applications/'))).toEqual([]);
  });

  it('counts an interaction answered too late as expired (Discord answers 10062)', async () => {
    fake.interactions.expiryMs = 0;
    const before = await bot.handled('interaction_command', 'expired');
    const interaction = run(bob, 'top', 'en-US');
    await waitUntil(async () => (await bot.handled('interaction_command', 'expired')) > before, 10_000, 'the expiry');
    expect(interaction.steps.map((s) => [s.kind, s.code])).toEqual([['refused', 10062]]);
    expect(interaction.original).toBeNull();
  });

  it('counts it as expired too when even the deferral came too late', async () => {
    const holder = new Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM unified_users WHERE discord_id = $1 FOR UPDATE`, [ALICE]);
      fake.interactions.expiryMs = 0;
      const before = await bot.handled('interaction_command', 'expired');
      const interaction = run(alice, 'daily', 'en-US');
      await waitUntil(() => interaction.steps.length > 0, 5000, 'the deferral');
      expect(interaction.steps.map((s) => [s.kind, s.code])).toEqual([['refused', 10062]]);
      await holder.query('COMMIT');
      await waitUntil(async () => (await bot.handled('interaction_command', 'expired')) > before, 10_000, 'the expiry');
      expect(interaction.original).toBeNull();
      // The claim itself went through: only the answer was lost.
      const { rows } = await db.pool.query(`SELECT last_daily_claim FROM unified_users WHERE discord_id = $1`, [ALICE]);
      expect(rows[0].last_daily_claim).not.toBeNull();
    } finally {
      await holder.end();
    }
  });
});
