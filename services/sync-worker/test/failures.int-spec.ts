import {
  createTestDatabase,
  DISCORD_ERRORS,
  startFakeDiscord,
  startFakeTelegram,
  waitUntil,
  type FakeDiscord,
  type FakeTelegram,
  type TestDatabase,
} from '@ttfd/testing';
import type { SyncWorkerService } from '../src/service';
import { addEvents, addPlayers, eventRows, GUILD_ID, runCli, startWorker, waitForDrain, workerEnv } from './helpers';

let db: TestDatabase;
let telegram: FakeTelegram;
let discord: FakeDiscord;
let worker: SyncWorkerService;

beforeAll(async () => {
  db = await createTestDatabase();
  [telegram, discord] = await Promise.all([startFakeTelegram(), startFakeDiscord()]);
  await db.pool.query(`UPDATE ranks SET discord_role_id = '66600000000000000' || id WHERE id <= 9`);
  worker = await startWorker(
    workerEnv(
      db,
      { telegram: telegram.url, discord: discord.url },
      { SYNC_BACKOFF_BASE_MS: '200', SYNC_MAX_ATTEMPTS: '4', SYNC_RATE_LIMIT_WAIT_MS: '1500' },
    ),
  );
});
afterAll(async () => {
  await worker?.stop();
  await Promise.all([telegram.close(), discord.close()]);
  await db.drop();
});

const achievement = (key: string) => ({ achievement: key });
const keyOf = (text: unknown) => /: (\S+)$/.exec(String(text ?? ''))?.[1];
const serverError = { error_code: 500, description: 'Internal Server Error' };

describe('retries', () => {
  it('retries a failing platform with growing backoff, holding back only that player’s later events', async () => {
    const [slow, ...others] = await addPlayers(db, 6, 40_000);
    telegram.fail('sendMessage', serverError, { times: 3, chatId: slow!.telegramId! });
    const [first, second] = await addEvents(db, [
      { userId: slow!.userId, type: 'achievement_unlocked', data: achievement('s1') },
      { userId: slow!.userId, type: 'achievement_unlocked', data: achievement('s2') },
      ...others.map((p) => ({ userId: p.userId, type: 'achievement_unlocked', data: achievement('other') })),
    ]);
    await waitForDrain(db);

    const rows = await eventRows(db, 'id = ANY($1)', [[first, second]]);
    expect(rows.map((r) => [r.processed, r.attempts, r.outcome])).toEqual([
      [true, 4, 'ok'],
      [true, 1, 'ok'],
    ]);
    expect(rows[0].last_error).toContain('telegram: 500 Internal Server Error');
    const calls = telegram.callsOf('sendMessage', slow!.telegramId!);
    expect(calls.map((c) => keyOf(c.params.text))).toEqual(['s1', 's1', 's1', 's1', 's2']);
    // Exponential backoff with equal jitter from a 200 ms base: at least 100, 200 and 400 ms.
    const gaps = calls.slice(1, 4).map((c, i) => c.at - calls[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(100);
    expect(gaps[1]).toBeGreaterThanOrEqual(200);
    expect(gaps[2]).toBeGreaterThanOrEqual(400);
    // The other players were served while the slow one waited.
    const delivered = telegram.messages.filter((m) => others.some((p) => p.telegramId === m.chat_id));
    expect(delivered).toHaveLength(5);
    for (const m of delivered) expect(m.at).toBeLessThan(calls[3]!.at);
  });

  it('dead-letters after the configured attempts, lists it in `events dead`, and replays it with the CLI', async () => {
    const [stuck, other] = await addPlayers(db, 2, 41_000);
    telegram.fail('sendMessage', serverError, { times: 1_000, chatId: stuck!.telegramId! });
    const [id] = await addEvents(db, [
      { userId: stuck!.userId, type: 'achievement_unlocked', data: achievement('stuck') },
    ]);
    await addEvents(db, [{ userId: other!.userId, type: 'achievement_unlocked', data: achievement('free') }]);
    await waitForDrain(db);
    const [dead] = await eventRows(db, 'id = $1', [id]);
    expect(dead).toMatchObject({ processed: false, outcome: 'dead', attempts: 4 });
    expect(dead.last_error).toBe('gave up after 4 attempts: telegram: 500 Internal Server Error');
    expect(telegram.callsOf('sendMessage', stuck!.telegramId!)).toHaveLength(4);
    expect(telegram.messages.filter((m) => m.chat_id === other!.telegramId)).toHaveLength(1);

    const listed = await runCli(db, ['events', 'dead']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${id}  #${dead.seq}  achievement_unlocked of user ${stuck!.userId}`);
    expect(listed.stdout).toContain('gave up after 4 attempts: telegram: 500 Internal Server Error');
    const stats = await runCli(db, ['events', 'stats', '--json']);
    expect(JSON.parse(stats.stdout)).toMatchObject({ pending: 0, dead: 1 });

    telegram.clearFaults();
    const replayed = await runCli(db, ['events', 'replay', id!]);
    expect(replayed).toMatchObject({ code: 0, stdout: 'Replayed 1 event(s).\n' });
    await waitUntil(async () => (await eventRows(db, 'id = $1 AND processed', [id])).length === 1, 10_000);
    expect((await eventRows(db, 'id = $1', [id]))[0]).toMatchObject({ outcome: 'ok', attempts: 1, dead_at: null });
    expect(telegram.messages.filter((m) => m.chat_id === stuck!.telegramId).map((m) => keyOf(m.text))).toEqual([
      'stuck',
    ]);
    expect((await runCli(db, ['events', 'dead'])).stdout).toBe('No dead events.\n');
  });

  it('waits out a rate limit without counting it as a failed attempt', async () => {
    const [short, long, dm] = await addPlayers(db, 3, 42_000, { telegram: true, discord: true });
    telegram.fail(
      'sendMessage',
      { error_code: 429, description: 'Too Many Requests: retry after 1', retry_after: 1 },
      {
        chatId: short!.telegramId!,
      },
    );
    telegram.fail(
      'sendMessage',
      { error_code: 429, description: 'Too Many Requests: retry after 3', retry_after: 3 },
      {
        chatId: long!.telegramId!,
      },
    );
    discord.fail({ method: 'POST', path: /^\/channels\/\d+\/messages$/ }, DISCORD_ERRORS.rateLimited(0.4));
    const ids = await addEvents(db, [
      { userId: short!.userId, type: 'achievement_unlocked', data: achievement('short'), source: 'discord' },
      { userId: long!.userId, type: 'achievement_unlocked', data: achievement('long'), source: 'discord' },
      { userId: dm!.userId, type: 'achievement_unlocked', data: achievement('dm'), source: 'telegram' },
    ]);
    await waitUntil(async () => (await eventRows(db, 'id = $1 AND run_at IS NOT NULL', [ids[1]])).length === 1, 10_000);
    const [waiting] = await eventRows(db, 'id = $1', [ids[1]]);
    expect(waiting).toMatchObject({
      processed: false,
      attempts: 0,
      last_error: 'telegram: 429 Too Many Requests: retry after 3',
    });
    await waitForDrain(db);
    const rows = await eventRows(db, 'id = ANY($1)', [ids]);
    // Short limits are waited out in place (one attempt); a long one reschedules the event.
    expect(rows.map((r) => [r.processed, r.attempts])).toEqual([
      [true, 1],
      [true, 1],
      [true, 1],
    ]);
    const longCalls = telegram.callsOf('sendMessage', long!.telegramId!);
    expect(longCalls).toHaveLength(2);
    expect(longCalls[1]!.at - longCalls[0]!.at).toBeGreaterThanOrEqual(3_000);
    expect(telegram.callsOf('sendMessage', short!.telegramId!)).toHaveLength(2);
    expect(discord.messages.filter((m) => m.recipient_id === dm!.discordId)).toHaveLength(1);
  });
});

describe('permanent errors', () => {
  it('dead-letters at once on 50013 (a rank role it refuses is skipped instead); 10007, a blocked bot and an unknown chat turn that target off', async () => {
    const [noPerms, gone, noDm] = await addPlayers(db, 3, 43_000, { telegram: false, discord: true });
    const [blocked, unknown] = await addPlayers(db, 2, 44_000);
    discord.addMember(GUILD_ID, noPerms!.discordId!, []);
    discord.fail({ method: 'PUT', path: /\/roles\// }, DISCORD_ERRORS.missingPermissions);
    discord.fail({ method: 'POST', path: /^\/channels\/\d+\/messages$/ }, DISCORD_ERRORS.missingPermissions);
    telegram.blockChat(blocked!.telegramId!);
    telegram.forgetChat(unknown!.telegramId!);
    const rankUp = { from_rank_id: 1, to_rank_id: 2, rank_name: 'Private', xp: 100 };
    await db.pool.query(`UPDATE unified_users SET rank_id = 2, xp = 100 WHERE id = ANY($1)`, [
      [noPerms!.userId, gone!.userId],
    ]);
    const ids = await addEvents(db, [
      { userId: noPerms!.userId, type: 'rank_down', data: rankUp },
      { userId: gone!.userId, type: 'rank_down', data: rankUp },
      { userId: blocked!.userId, type: 'achievement_unlocked', data: achievement('blocked') },
      { userId: unknown!.userId, type: 'achievement_unlocked', data: achievement('unknown') },
      { userId: noDm!.userId, type: 'achievement_unlocked', data: achievement('no_dm'), source: 'telegram' },
    ]);
    await waitForDrain(db);
    const rows = await eventRows(db, 'id = ANY($1)', [ids]);
    expect(rows.map((r) => [r.outcome, r.attempts, r.last_error])).toEqual([
      ['skipped', 1, expect.stringMatching(/^skipped: role sync: the bot cannot manage rank role \d+$/)],
      ['ok', 1, null],
      ['ok', 1, null],
      ['ok', 1, null],
      ['dead', 1, 'discord: 403 50013 Missing Permissions'],
    ]);
    const { rows: off } = await db.pool.query(
      `SELECT user_id, target, reason FROM unreachable_targets WHERE user_id = ANY($1) ORDER BY user_id`,
      [[gone!.userId, blocked!.userId, unknown!.userId]],
    );
    expect(off).toEqual([
      { user_id: gone!.userId, target: 'discord:roles', reason: 'discord: 404 10007 Unknown Member' },
      {
        user_id: blocked!.userId,
        target: 'telegram:message',
        reason: 'telegram: 403 Forbidden: bot was blocked by the user',
      },
      { user_id: unknown!.userId, target: 'telegram:message', reason: 'telegram: 400 Bad Request: chat not found' },
    ]);
    expect(telegram.callsOf('sendMessage', blocked!.telegramId!)).toHaveLength(1);
  });
});
