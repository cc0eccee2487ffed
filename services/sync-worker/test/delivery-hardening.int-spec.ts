import { Client } from 'pg';
import { createLinking, createWake, markReachable } from '@ttfd/shared';
import {
  createTestDatabase,
  sleep,
  startFakeDiscord,
  startFakeTelegram,
  startTcpProxy,
  waitUntil,
  type FakeDiscord,
  type FakeTelegram,
  type TestDatabase,
} from '@ttfd/testing';
import type { SyncWorkerService } from '../src/service';
import { addEvents, addPlayers, eventRows, GUILD_ID, startWorker, waitForDrain, workerEnv } from './helpers';

let db: TestDatabase;
let telegram: FakeTelegram;
let discord: FakeDiscord;
let running: SyncWorkerService | null = null;

beforeAll(async () => {
  db = await createTestDatabase();
  [telegram, discord] = await Promise.all([startFakeTelegram(), startFakeDiscord()]);
  await db.pool.query(`UPDATE ranks SET discord_role_id = '77700000000000000' || id WHERE id <= 9`);
  await db.pool.query(`UPDATE ranks SET discord_role_id = '777000000000000010' WHERE id = 10`);
});
afterEach(async () => {
  await running?.stop();
  running = null;
  telegram.clearFaults();
  discord.clearFaults();
  telegram.delayMs = 0;
  discord.delayMs = 0;
});
afterAll(async () => {
  await Promise.all([telegram.close(), discord.close()]);
  await db.drop();
});

async function worker(extra: Record<string, string> = {}): Promise<SyncWorkerService> {
  running = await startWorker(workerEnv(db, { telegram: telegram.url, discord: discord.url }, extra));
  return running;
}

const achievement = (key: string) => ({ achievement: key });
const rankUp = (to: number) => ({ from_rank_id: to - 1, to_rank_id: to, rank_name: `rank ${to}`, xp: 1 });
const serverError = { error_code: 500, description: 'Internal Server Error' };

it('serves other players while one waits out a backoff: the claim skips the waiting player’s backlog', async () => {
  await worker({
    SYNC_BATCH_SIZE: '10',
    SYNC_BATCHES_IN_FLIGHT: '1',
    SYNC_BACKOFF_BASE_MS: '60000',
    SYNC_BACKOFF_MAX_MS: '60000',
  });
  const [a, b] = await addPlayers(db, 2, 60_000);
  telegram.fail('sendMessage', serverError, { times: 1_000, chatId: a!.telegramId! });
  await addEvents(db, [
    { userId: a!.userId, type: 'achievement_unlocked', data: achievement('a0') },
    ...Array.from({ length: 10 }, (_, k) => ({
      userId: a!.userId,
      type: 'achievement_unlocked',
      data: achievement(`a${k + 1}`),
    })),
  ]);
  await waitUntil(() => telegram.callsOf('sendMessage', a!.telegramId!).length > 0, 5_000, 'A’s first try');
  const start = Date.now();
  await addEvents(db, [{ userId: b!.userId, type: 'achievement_unlocked', data: achievement('b0') }]);
  await waitUntil(
    () => telegram.messages.some((m) => m.chat_id === b!.telegramId),
    3_000,
    'B’s message while A waits out a 60 s backoff',
  );
  expect(Date.now() - start).toBeLessThan(2_000);
  // A's later events wait behind its first, untried.
  const rows = await eventRows(db, 'user_id = $1', [a!.userId]);
  expect(rows.map((r) => [r.processed, r.dead_at, r.attempts])).toEqual([
    [false, null, 1],
    ...Array.from({ length: 10 }, () => [false, null, 0]),
  ]);
  expect(telegram.callsOf('sendMessage', a!.telegramId!)).toHaveLength(1);
  await db.pool.query(`DELETE FROM cross_platform_events WHERE user_id = $1`, [a!.userId]);
});

it('turns off a target the player refused, retries the other targets, and dead-letters nothing', async () => {
  await worker();
  const [p] = await addPlayers(db, 1, 61_000, { telegram: true, discord: true });
  // Not a member of the guild: the role sync's member lookup answers 10007.
  telegram.fail('sendMessage', serverError, { times: 1, chatId: p!.telegramId! });
  const [first] = await addEvents(db, [{ userId: p!.userId, type: 'rank_up', data: rankUp(2), source: 'website' }]);
  await waitForDrain(db);
  const [row] = await eventRows(db, 'id = $1', [first]);
  expect(row).toMatchObject({ processed: true, outcome: 'ok', attempts: 2, dead_at: null });
  expect(telegram.messages.filter((m) => m.chat_id === p!.telegramId)).toHaveLength(1);
  expect(discord.messages.filter((m) => m.recipient_id === p!.discordId)).toHaveLength(1);
  const { rows: off } = await db.pool.query(`SELECT target, identity FROM unreachable_targets WHERE user_id = $1`, [
    p!.userId,
  ]);
  expect(off).toEqual([{ target: 'discord:roles', identity: p!.discordId }]);

  const memberLookups = () => discord.calls.filter((c) => c.path.startsWith(`/guilds/${GUILD_ID}/members/`)).length;
  const lookups = memberLookups();
  const later = await addEvents(db, [
    { userId: p!.userId, type: 'rank_up', data: rankUp(3), source: 'website' },
    { userId: p!.userId, type: 'achievement_unlocked', data: achievement('later'), source: 'website' },
  ]);
  await waitForDrain(db);
  const rows = await eventRows(db, 'id = ANY($1)', [later]);
  expect(rows.map((r) => [r.processed, r.outcome, r.dead_at])).toEqual([
    [true, 'ok', null],
    [true, 'ok', null],
  ]);
  expect(memberLookups()).toBe(lookups);
  expect(telegram.messages.filter((m) => m.chat_id === p!.telegramId)).toHaveLength(3);
});

it('stops messaging a player who blocked the bot, without dead letters, until they write to the bot again', async () => {
  await worker();
  const [p] = await addPlayers(db, 1, 62_000);
  telegram.blockChat(p!.telegramId!);
  const ids = await addEvents(db, [
    { userId: p!.userId, type: 'achievement_unlocked', data: achievement('b1') },
    { userId: p!.userId, type: 'achievement_unlocked', data: achievement('b2') },
  ]);
  await waitForDrain(db);
  const rows = await eventRows(db, 'id = ANY($1)', [ids]);
  expect(rows.map((r) => [r.processed, r.dead_at])).toEqual([
    [true, null],
    [true, null],
  ]);
  expect(telegram.callsOf('sendMessage', p!.telegramId!)).toHaveLength(1);
  const { rows: receipts } = await db.pool.query(
    `SELECT status FROM delivery_receipts WHERE event_id = $1 AND target = 'telegram:message'`,
    [ids[0]],
  );
  expect(receipts).toEqual([{ status: 'unreachable' }]);

  // They unblock the bot and write to it: the bot marks them reachable, messages resume.
  telegram.unblockChat(p!.telegramId!);
  await markReachable(db.pool, { platform: 'telegram', id: p!.telegramId! }, 'telegram:message');
  await addEvents(db, [{ userId: p!.userId, type: 'achievement_unlocked', data: achievement('b3') }]);
  await waitForDrain(db);
  expect(telegram.messages.filter((m) => m.chat_id === p!.telegramId).map((m) => m.text?.endsWith('b3'))).toEqual([
    true,
  ]);
});

it('takes the managed rank roles off a Discord identity when it is unlinked', async () => {
  await worker();
  const [p] = await addPlayers(db, 1, 63_000, { telegram: true, discord: true });
  const legendRole = '777000000000000010';
  discord.addMember(GUILD_ID, p!.discordId!, ['123456789012345']);
  await db.pool.query(`UPDATE unified_users SET xp = 60000, rank_id = 10 WHERE id = $1`, [p!.userId]);
  await addEvents(db, [{ userId: p!.userId, type: 'rank_up', data: rankUp(10), source: 'telegram' }]);
  await waitForDrain(db);
  expect(discord.rolesOf(GUILD_ID, p!.discordId!)).toEqual(['123456789012345', legendRole]);

  const linking = createLinking({ pool: db.pool, wake: createWake(db.pool) });
  const result = await linking.unlinkIdentity({
    account: { userId: p!.userId },
    platform: 'discord',
    source: 'telegram',
  });
  expect(result.status).toBe('unlinked');
  await waitForDrain(db);
  expect(discord.rolesOf(GUILD_ID, p!.discordId!)).toEqual(['123456789012345']);
  expect(
    discord.calls.filter((c) => c.method === 'DELETE' && c.path.endsWith(`/${p!.discordId}/roles/${legendRole}`)),
  ).toHaveLength(1);
});

it('publishes each event’s live update once, through rate-limited retries and a replay', async () => {
  await worker({ SYNC_RATE_LIMIT_WAIT_MS: '0' });
  const listener = new Client({ connectionString: db.url });
  await listener.connect();
  const seen: string[] = [];
  listener.on('notification', (n) => seen.push(...JSON.parse(n.payload ?? '[]').map((u: { id: string }) => u.id)));
  await listener.query('LISTEN ttfd_live');
  try {
    const [p] = await addPlayers(db, 1, 64_000);
    telegram.fail(
      'sendMessage',
      { error_code: 429, description: 'Too Many Requests', retry_after: 1 },
      {
        times: 2,
        chatId: p!.telegramId!,
      },
    );
    const [id] = await addEvents(db, [{ userId: p!.userId, type: 'achievement_unlocked', data: achievement('r') }]);
    await waitForDrain(db);
    await db.pool.query(
      `UPDATE cross_platform_events SET processed = false, dead_at = now(), outcome = 'dead' WHERE id = $1`,
      [id],
    );
    await db.pool.query(`UPDATE cross_platform_events SET dead_at = NULL, outcome = NULL, attempts = 0 WHERE id = $1`, [
      id,
    ]);
    await db.pool.query(`SELECT pg_notify('ttfd_events', '')`);
    await waitForDrain(db);
    await sleep(200);
    expect(telegram.callsOf('sendMessage', p!.telegramId!)).toHaveLength(3);
    expect(seen.filter((x) => x === id)).toHaveLength(1);
  } finally {
    await listener.end();
  }
});

it('counts an attempt whose sends outlast the lease: it backs off and ends dead, with few requests', async () => {
  await worker({
    SYNC_LEASE_MS: '2000',
    SYNC_DRIVER_TIMEOUT_MS: '1500',
    SYNC_MAX_ATTEMPTS: '2',
    SYNC_BACKOFF_BASE_MS: '100',
  });
  const [p] = await addPlayers(db, 1, 65_000, { telegram: false, discord: true });
  discord.addMember(GUILD_ID, p!.discordId!);
  discord.delayMs = 3_000;
  const before = discord.calls.length;
  const [id] = await addEvents(db, [{ userId: p!.userId, type: 'rank_up', data: rankUp(2), source: 'telegram' }]);
  await waitForDrain(db, 30_000);
  const [row] = await eventRows(db, 'id = $1', [id]);
  expect(row).toMatchObject({ processed: false, outcome: 'dead', attempts: 2 });
  expect(row.last_error).toContain('timed out');
  expect(discord.calls.length - before).toBeLessThanOrEqual(4);
});

it('stops sending to Discord after a 401, reports it on /readyz, and keeps the events waiting, not dead', async () => {
  const w = await worker({ SYNC_BACKOFF_MAX_MS: '60000' });
  const [p] = await addPlayers(db, 1, 66_000, { telegram: false, discord: true });
  discord.addMember(GUILD_ID, p!.discordId!);
  discord.fail({ path: /./ }, { status: 401, code: 0, message: '401: Unauthorized' }, { times: 1 });
  const before = discord.calls.length;
  const ids = await addEvents(db, [
    { userId: p!.userId, type: 'rank_up', data: rankUp(2), source: 'telegram' },
    { userId: p!.userId, type: 'achievement_unlocked', data: achievement('d401'), source: 'telegram' },
  ]);
  await waitUntil(async () => (await eventRows(db, 'id = $1 AND run_at IS NOT NULL', [ids[0]])).length === 1);
  const readyz = await fetch(`http://127.0.0.1:${w.port}/readyz`);
  expect(readyz.status).toBe(503);
  expect(await readyz.text()).toContain('DISCORD_TOKEN is refused');
  // What TTFDPlatformTokenRefused alerts on.
  const metrics = await (await fetch(`http://127.0.0.1:${w.port}/metrics`)).text();
  expect(metrics).toMatch(/^ttfd_platform_credentials_refused\{[^}]*platform="discord"[^}]*\} 1$/m);
  expect(metrics).toMatch(/^ttfd_platform_credentials_refused\{[^}]*platform="telegram"[^}]*\} 0$/m);
  await sleep(500);
  expect(discord.calls.length - before).toBe(1);
  const rows = await eventRows(db, 'id = ANY($1)', [ids]);
  expect(rows.map((r) => [r.processed, r.dead_at, r.attempts])).toEqual([
    [false, null, 0],
    [false, null, 0],
  ]);
  await db.pool.query(`DELETE FROM cross_platform_events WHERE id = ANY($1)`, [ids]);
});

it('does not resend a Telegram message whose connection broke after the request was written', async () => {
  await worker();
  const [p] = await addPlayers(db, 1, 67_000);
  telegram.dropAfterRequest('sendMessage');
  const [id] = await addEvents(db, [{ userId: p!.userId, type: 'achievement_unlocked', data: achievement('drop') }]);
  await waitForDrain(db);
  expect(telegram.callsOf('sendMessage', p!.telegramId!)).toHaveLength(1);
  const { rows } = await db.pool.query(
    `SELECT status FROM delivery_receipts WHERE event_id = $1 AND target = 'telegram:message'`,
    [id],
  );
  expect(rows).toEqual([{ status: 'unknown' }]);
});

it('gives up on a query that hangs on a half-open connection and carries on with a new one', async () => {
  const url = new URL(db.url);
  const proxy = await startTcpProxy(url.hostname, Number(url.port));
  try {
    running = await startWorker({
      ...workerEnv(db, { telegram: telegram.url }, { SYNC_QUERY_TIMEOUT_MS: '1000', SYNC_POLL_MS: '200' }),
      DATABASE_URL: proxy.rewrite(db.url),
      SYNC_LISTEN_DATABASE_URL: db.url,
    });
    const [p, q] = await addPlayers(db, 2, 68_000);
    await addEvents(db, [{ userId: p!.userId, type: 'achievement_unlocked', data: achievement('before') }]);
    await waitForDrain(db);
    proxy.stall();
    await addEvents(db, [{ userId: q!.userId, type: 'achievement_unlocked', data: achievement('after') }]);
    await waitForDrain(db, 30_000);
    expect(telegram.messages.filter((m) => m.chat_id === q!.telegramId)).toHaveLength(1);
  } finally {
    await running?.stop();
    running = null;
    await proxy.close();
  }
});
