import { findLedgerMismatches } from '@ttfd/shared';
import {
  createTestDatabase,
  fakeUser,
  sleep,
  startFakeDiscord,
  waitUntil,
  type FakeDiscord,
  type TestDatabase,
} from '@ttfd/testing';
import {
  addCommunityGuild,
  eventsOf,
  GUILD,
  member,
  MUTED_ROLE,
  NO_XP_TEXT,
  playerOf,
  settle,
  startTestBot,
  TEXT,
  type TestBot,
} from './harness';

let db: TestDatabase;
let fake: FakeDiscord;
let bot: TestBot | null = null;

const ALICE = '100000000000000001';
const BORIS = '100000000000000002';
const ROBOT = '100000000000000003';
const MUTED = '100000000000000004';
const WEBHOOK = '100000000000000005';
const VERA = '100000000000000006';
const GLEB = '100000000000000007';
const ZOYA = '100000000000000008';
const IGOR = '100000000000000009';
const LENA = '100000000000000011';
const OLEG = '100000000000000012';

/** An hour ago, so every timestamp below is in the past. */
const T0 = Date.now() - 3_600_000;
const SECOND = 1000;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 4 });
  fake = await startFakeDiscord();
  addCommunityGuild(fake, [
    member(ALICE),
    member(BORIS),
    member(ROBOT, { bot: true }),
    member(MUTED, { roles: [MUTED_ROLE] }),
    member(VERA),
    member(GLEB),
    member(ZOYA),
    member(IGOR),
    member(LENA),
    member(OLEG),
  ]);
});
afterEach(async () => {
  await bot?.stop();
  bot = null;
});
afterAll(async () => {
  await fake?.close();
  await db?.drop();
});

const say = (author: string, at: number, channelId = TEXT, content = 'hello everyone') =>
  fake.gateway.sendMessage({ channelId, author: fakeUser(author), content, at });

describe('message XP', () => {
  it('counts every eligible message and gives XP once per cooldown window, from its first message', async () => {
    bot = await startTestBot(db, fake, { DISCORD_MESSAGE_XP_MIN: '20', DISCORD_MESSAGE_XP_MAX: '20' });
    // Windows: 0 s (until 60 s), 60 s (until 120 s), 130 s. The others fall inside a window.
    const offsets = [0, 10, 59, 60, 61, 119, 130];
    const ids = offsets.map((s) => say(ALICE, T0 + s * SECOND));
    await settle(bot, 'message_create', offsets.length);

    expect(await playerOf(db, ALICE)).toMatchObject({ messages_sent: 7, xp: 60 });
    const events = await eventsOf(db, ALICE);
    const xpChanges = events.filter((e) => e.event_type === 'xp_change');
    expect(xpChanges.map((e) => [e.data.xp_delta, e.dedupe_key])).toEqual([
      [20, `discord:message:${ids[0]}`],
      [20, `discord:message:${ids[3]}`],
      [20, `discord:message:${ids[6]}`],
    ]);
    expect(xpChanges.map((e) => e.data.xp)).toEqual([20, 40, 60]);
    const sent = events.filter((e) => e.event_type === 'message_sent');
    expect(sent.reduce((n, e) => n + e.data.count, 0)).toBe(7);
    expect(events[0]!.event_type).toBe('user_registered');
    expect((await findLedgerMismatches(db.pool)).mismatches).toEqual([]);

    // The window started at 130 s holds in the database: a restarted bot gives nothing until 190 s.
    await bot.stop();
    bot = await startTestBot(db, fake, { DISCORD_MESSAGE_XP_MIN: '20', DISCORD_MESSAGE_XP_MAX: '20' });
    say(ALICE, T0 + 189 * SECOND);
    say(ALICE, T0 + 190 * SECOND);
    await settle(bot, 'message_create', 2);
    expect(await playerOf(db, ALICE)).toMatchObject({ messages_sent: 9, xp: 80 });
  });

  it('draws each window’s XP from the configured range', async () => {
    bot = await startTestBot(db, fake, { DISCORD_MESSAGE_XP_MIN: '10', DISCORD_MESSAGE_XP_MAX: '15' });
    for (let i = 0; i < 20; i++) say(VERA, T0 + i * 61 * SECOND);
    await settle(bot, 'message_create', 20);
    const deltas = (await eventsOf(db, VERA)).filter((e) => e.event_type === 'xp_change').map((e) => e.data.xp_delta);
    expect(deltas).toHaveLength(20);
    for (const d of deltas) expect(d).toBeGreaterThanOrEqual(10);
    for (const d of deltas) expect(d).toBeLessThanOrEqual(15);
    expect(new Set(deltas).size).toBeGreaterThan(1);
    expect((await playerOf(db, VERA))!.xp).toBe(deltas.reduce((a, b) => a + b, 0));
  });

  it('recomputes the rank and unlocks achievements in the same statement', async () => {
    bot = await startTestBot(db, fake, { DISCORD_MESSAGE_XP_MIN: '100', DISCORD_MESSAGE_XP_MAX: '100' });
    for (let i = 0; i < 100; i++) say(ZOYA, T0 + i * SECOND);
    await settle(bot, 'message_create', 100);
    const { rows } = await db.pool.query(
      `SELECT xp::int, rank_id, achievements FROM unified_users WHERE discord_id = $1`,
      [ZOYA],
    );
    expect(rows[0]).toEqual({ xp: 200, rank_id: 2, achievements: ['hundred_messages', 'rank_2'] });
    const events = (await eventsOf(db, ZOYA)).map((e) => e.event_type);
    expect(events.filter((t) => t === 'rank_up')).toHaveLength(1);
    expect(events.filter((t) => t === 'achievement_unlocked')).toHaveLength(2);
  });

  it('writes every message it took before it stops', async () => {
    bot = await startTestBot(db, fake, { DISCORD_FLUSH_MS: '5000' });
    for (let i = 0; i < 30; i++) say(IGOR, T0 + i * SECOND);
    await waitUntil(async () => (await bot!.handled('message_create')) === 30, 10_000, '30 messages taken');
    expect(await playerOf(db, IGOR)).toBeNull(); // still coalescing
    await bot.stop();
    bot = null;
    expect(await playerOf(db, IGOR)).toMatchObject({ messages_sent: 30 });
  });

  it('ignores bots, webhooks, DMs, no-XP channels and members with a no-XP role', async () => {
    bot = await startTestBot(db, fake);
    say(ROBOT, T0);
    fake.gateway.sendMessage({
      channelId: TEXT,
      author: fakeUser(WEBHOOK),
      webhookId: '100000000000000099',
      content: 'hook',
      at: T0,
    });
    fake.gateway.sendMessage({
      channelId: '100000000000000098',
      guildId: null,
      author: fakeUser(BORIS),
      content: 'dm',
      at: T0,
    });
    say(BORIS, T0, NO_XP_TEXT);
    say(MUTED, T0);
    // A counted message after them: once it is written, the ones before were handled too.
    say(BORIS, T0 + SECOND);
    await settle(bot, 'message_create', 5);

    expect(await playerOf(db, BORIS)).toMatchObject({ messages_sent: 1 });
    for (const id of [ROBOT, WEBHOOK, MUTED]) expect(await playerOf(db, id)).toBeNull();
    expect(await bot.handled('message_create', 'ignored')).toBe(4);
    // No DirectMessages intent: the stand-in never sent the DM.
    expect(fake.gateway.sessions.at(-1)!.sent.filter((e) => e.t === 'MESSAGE_CREATE')).toHaveLength(5);
  });

  it('excludes a member whose no-XP role arrives with the message', async () => {
    bot = await startTestBot(db, fake);
    // Given the role after the bot's GUILD_CREATE: only the message's member carries it.
    fake.gateway.sendMessage({ channelId: TEXT, author: fakeUser(LENA), content: 'hi', at: T0, roles: [MUTED_ROLE] });
    say(LENA, T0 + SECOND);
    await settle(bot, 'message_create', 2);
    expect(await bot.handled('message_create', 'ignored')).toBe(1);
    expect(await playerOf(db, LENA)).toMatchObject({ messages_sent: 1 });
  });

  it('writes the messages that arrived during a slow flush as soon as it ends', async () => {
    const FLUSH_MS = 1500;
    bot = await startTestBot(db, fake, { DISCORD_FLUSH_MS: String(FLUSH_MS) });
    say(OLEG, T0);
    await settle(bot, 'message_create', 1);
    // Holding the member's row makes the next flush wait.
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM unified_users WHERE discord_id = $1 FOR UPDATE', [OLEG]);
      say(OLEG, T0 + SECOND);
      await waitUntil(
        async () => (await db.backends('ttfd-discord', { waitingOnLock: true })).length > 0,
        10_000,
        'a flush waiting for the row',
      );
      say(OLEG, T0 + 2 * SECOND); // arrives during the flush
      await sleep(FLUSH_MS + 100);
      await holder.query('COMMIT');
    } finally {
      holder.release();
    }
    const released = performance.now();
    await waitUntil(async () => (await playerOf(db, OLEG))?.messages_sent === 3, 10_000, 'three messages written');
    // It waited its coalescing window during the slow flush: no second window after it.
    expect(performance.now() - released).toBeLessThan(FLUSH_MS * 0.66);
  });

  it('splits a flush of many members into statements side by side; a failed one is written again alone', async () => {
    bot = await startTestBot(db, fake, {
      DISCORD_FLUSH_MS: '5000',
      DISCORD_MESSAGE_XP_MIN: '5',
      DISCORD_MESSAGE_XP_MAX: '5',
    });
    const crowd = Array.from({ length: 600 }, (_, i) => String(300_000_000_000_000_000n + BigInt(i)));
    say(crowd[0]!, T0 - 61 * SECOND);
    await settle(bot, 'message_create', 1);
    const countOf = async (messagesSent: number) => {
      const { rows } = await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM unified_users WHERE discord_id = ANY($1) AND messages_sent = $2`,
        [crowd, messagesSent],
      );
      return rows[0]!.n;
    };
    const holder = await db.pool.connect();
    try {
      // One member's row held: only the statement that holds that member waits.
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM unified_users WHERE discord_id = $1 FOR UPDATE', [crowd[0]]);
      for (const [i, id] of crowd.entries()) say(id, T0 + i);
      for (const [i, id] of crowd.entries()) say(id, T0 + 61 * SECOND + i);
      await waitUntil(async () => (await bot!.handled('message_create')) === 1201, 10_000, 'the crowd’s messages');
      const flushed = bot.service.parts.counter.idle();
      await waitUntil(async () => (await countOf(2)) === 300, 10_000, 'the other half written');
      expect(await playerOf(db, crowd[0]!)).toMatchObject({ messages_sent: 1 });
      // The waiting statement fails (its connection is cut): only its part goes back to the queue.
      await db.terminate('ttfd-discord', { waitingOnLock: true });
      await waitUntil(async () => (await bot!.handled('message_create', 'error')) === 1, 10_000, 'a failed part');
      await holder.query('COMMIT');
      await flushed;
    } finally {
      holder.release();
    }
    expect(await countOf(2)).toBe(599);
    expect(await playerOf(db, crowd[0]!)).toMatchObject({ messages_sent: 3, xp: 15 });
    const { rows } = await db.pool.query<{ xp: number }>(
      `SELECT sum(xp)::int AS xp FROM unified_users WHERE discord_id = ANY($1)`,
      [crowd],
    );
    expect(rows[0]!.xp).toBe(600 * 10 + 5);
    expect((await findLedgerMismatches(db.pool)).mismatches).toEqual([]);
  });

  it('applies the minimum length only when message content is available', async () => {
    bot = await startTestBot(db, fake, { DISCORD_MESSAGE_CONTENT: 'true', DISCORD_MESSAGE_MIN_LENGTH: '5' });
    say(GLEB, T0, TEXT, 'hi');
    say(GLEB, T0 + SECOND, TEXT, 'hello there');
    await settle(bot, 'message_create', 2);
    expect(await playerOf(db, GLEB)).toMatchObject({ messages_sent: 1 });
    await bot.stop();

    // Without the intent the stand-in blanks the content: nothing to measure, so the rule is off.
    bot = await startTestBot(db, fake, { DISCORD_MESSAGE_MIN_LENGTH: '5' });
    say(GLEB, T0 + 2 * SECOND, TEXT, 'hi');
    await settle(bot, 'message_create', 1);
    expect(await playerOf(db, GLEB)).toMatchObject({ messages_sent: 2 });
    const last = fake.gateway.sessions
      .at(-1)!
      .sent.filter((e) => e.t === 'MESSAGE_CREATE')
      .at(-1)!;
    expect((last.d as { content: string }).content).toBe('');
  });
});

describe('a message delivered twice counts once', () => {
  const DUP = '100000000000000010';

  beforeAll(() => void fake.gateway.addMember(GUILD, member(DUP)));

  it('with the message cache off, in one process', async () => {
    bot = await startTestBot(db, fake, { DISCORD_MESSAGE_XP_MIN: '7', DISCORD_MESSAGE_XP_MAX: '7' });
    const id = say(DUP, T0);
    fake.gateway.sendMessage({ id, channelId: TEXT, author: fakeUser(DUP), content: 'hello everyone' });
    await settle(bot, 'message_create', 2);
    expect(await bot.handled('message_create', 'duplicate')).toBe(1);
    expect(await playerOf(db, DUP)).toMatchObject({ messages_sent: 1, xp: 7 });
  });

  it('across a restart of the bot', async () => {
    const before = await playerOf(db, DUP);
    bot = await startTestBot(db, fake, { DISCORD_MESSAGE_XP_MIN: '7', DISCORD_MESSAGE_XP_MAX: '7' });
    const first = say(DUP, T0 + 120 * SECOND);
    await settle(bot, 'message_create', 1);
    await bot.stop();

    bot = await startTestBot(db, fake, { DISCORD_MESSAGE_XP_MIN: '7', DISCORD_MESSAGE_XP_MAX: '7' });
    fake.gateway.sendMessage({ id: first, channelId: TEXT, author: fakeUser(DUP), content: 'hello everyone' });
    const later = say(DUP, T0 + 121 * SECOND);
    await settle(bot, 'message_create', 2);
    expect(await playerOf(db, DUP)).toMatchObject({
      messages_sent: before!.messages_sent + 2,
      xp: before!.xp + 7,
    });
    expect(later > first).toBe(true);
    expect(await bot.handled('message_create', 'duplicate')).toBe(1);
    expect((await findLedgerMismatches(db.pool)).mismatches).toEqual([]);
  });
});
