import net from 'node:net';
import path from 'node:path';
import { createProgression, createWake, type Progression, type Wake } from '@ttfd/shared';
import {
  createTestDatabase,
  DISCORD_ERRORS,
  killSpawned,
  spawnMain,
  startFakeDiscord,
  waitUntil,
  type FakeDiscord,
  type MainProcess,
  type TestDatabase,
} from '@ttfd/testing';
import { addCommunityGuild, GUILD, member, startTestBot, TOKEN, type TestBot } from './harness';

// The bot records what it sees of the server's members; the real sync worker (its own
// process) gives and takes the rank roles at the stand-in Discord.
const WORKER = path.resolve(__dirname, '../../sync-worker/src/main.ts');
const role = (rank: number) => `66600000000000000${rank}`;
const CHECK_SECONDS = 4;

let db: TestDatabase;
let fake: FakeDiscord;
let bot: TestBot;
let worker: MainProcess;
let workerPort: number;
let wake: Wake;
let progression: Progression;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function workerMetric(name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${workerPort}/metrics`)).text();
  const value = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1];
  return value === undefined ? NaN : Number(value);
}

const workerLines = (text: string) =>
  worker
    .output()
    .split('\n')
    .filter((l) => l.includes(text)).length;

/** A player linked on Telegram and Discord, at `xp` (rank by XP), a member of the server with `roles`. */
async function addPlayer(n: number, xp: number, roles: string[] = []) {
  const discordId = `40000000000000${String(n).padStart(4, '0')}`;
  const telegramId = 5_000_000 + n;
  await db.pool.query(
    `INSERT INTO unified_users (telegram_id, discord_id, primary_platform, xp, rank_id)
     VALUES ($1, $2, 'telegram', $3, (SELECT id FROM ranks WHERE min_xp <= $3 ORDER BY min_xp DESC LIMIT 1))`,
    [telegramId, discordId, xp],
  );
  fake.addMember(GUILD, discordId, roles);
  fake.gateway.addMember(GUILD, member(discordId));
  // The join is recorded and its role sync done before the test goes on.
  await waitUntil(
    async () =>
      (
        await db.pool.query(
          `SELECT 1 FROM cross_platform_events e JOIN unified_users u ON u.id = e.user_id
           WHERE u.discord_id = $1 AND e.event_type = 'discord_server_joined' AND e.processed`,
          [discordId],
        )
      ).rowCount === 1,
    20_000,
    'the join handled',
  );
  return { discordId, telegramId };
}

async function eventsSettled() {
  await waitUntil(
    async () => {
      const { rows } = await db.pool.query(
        `SELECT count(*)::int AS n FROM cross_platform_events WHERE NOT processed AND dead_at IS NULL`,
      );
      return rows[0].n === 0;
    },
    20_000,
    'the worker to settle every event',
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(`UPDATE ranks SET discord_role_id = '66600000000000000' || id WHERE id <= 9`);
  fake = await startFakeDiscord();
  fake.gateway.heartbeatIntervalMs = 200;
  addCommunityGuild(fake);
  wake = createWake(db.pool);
  progression = createProgression({ pool: db.pool, wake });
  bot = await startTestBot(db, fake, {
    DISCORD_ROLES_CHECK_INTERVAL_SECONDS: String(CHECK_SECONDS),
    DISCORD_ROLES_CHECK_WAVE: '2',
    DISCORD_ROLES_CHECK_WAVE_PAUSE_MS: '50',
  });
  workerPort = await freePort();
  worker = spawnMain(WORKER, {
    DATABASE_URL: db.url,
    PORT: String(workerPort),
    LOG_LEVEL: 'info',
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_ROOT: fake.url,
    DISCORD_GUILD_ID: GUILD,
    SYNC_POLL_MS: '200',
    SYNC_BACKOFF_BASE_MS: '100',
    SYNC_BACKOFF_MAX_MS: '1000',
    SYNC_MAX_ATTEMPTS: '3',
  });
  await worker.logged('sync worker up', 30_000);
});
afterAll(async () => {
  await bot?.stop();
  killSpawned();
  await wake?.flush();
  await fake?.close();
  await db?.drop();
});

it('a rank-up from Telegram ends with the member holding the new rank role and no other', async () => {
  const eva = await addPlayer(1, 250, [role(1), role(2)]);
  const result = await progression.award({
    player: { platform: 'telegram', id: eva.telegramId },
    xp: 100,
    reason: 'game',
    source: 'telegram',
  });
  expect(result.rankId).toBe(3);
  await waitUntil(() => fake.rolesOf(GUILD, eva.discordId)?.join() === role(3), 20_000, 'the Corporal role');
  await eventsSettled();
});

it('a player who leaves has no roles synced while away, and gets them back on rejoining', async () => {
  const fedor = await addPlayer(2, 120, [role(2)]);
  fake.removeMember(GUILD, fedor.discordId);
  fake.gateway.removeMember(GUILD, fedor.discordId);
  const off = async () =>
    (
      await db.pool.query(
        `SELECT reason FROM unreachable_targets t JOIN unified_users u ON u.id = t.user_id
         WHERE u.discord_id = $1 AND t.target = 'discord:roles'`,
        [fedor.discordId],
      )
    ).rows[0]?.reason;
  expect(await waitUntil(off, 20_000, 'the roles target turned off')).toBe('left the Discord server');

  // Away: a rank-up changes nothing at Discord (not even a lookup that would answer 10007).
  const lookups = () => fake.calls.filter((c) => c.path === `/guilds/${GUILD}/members/${fedor.discordId}`).length;
  const before = lookups();
  await progression.award({
    player: { platform: 'telegram', id: fedor.telegramId },
    xp: 200,
    reason: 'game',
    source: 'telegram',
  });
  await eventsSettled();
  expect(lookups()).toBe(before);

  // Back (with none of their roles, as Discord does): the rank role returns and the target is on again.
  fake.addMember(GUILD, fedor.discordId, []);
  fake.gateway.addMember(GUILD, member(fedor.discordId));
  await waitUntil(() => fake.rolesOf(GUILD, fedor.discordId)?.join() === role(3), 20_000, 'the rank role back');
  expect(await off()).toBeUndefined();
  const { rows } = await db.pool.query(
    `SELECT e.event_type FROM cross_platform_events e JOIN unified_users u ON u.id = e.user_id
     WHERE u.discord_id = $1 AND e.event_type LIKE 'discord_server_%' ORDER BY e.seq`,
    [fedor.discordId],
  );
  expect(rows.map((r) => r.event_type)).toEqual([
    'discord_server_joined',
    'discord_server_left',
    'discord_server_joined',
  ]);
});

it('a rank role the bot cannot manage is reported once, not retried per event, and clears once fixed', async () => {
  const fix = "move the TTFD bot's role above the rank roles";
  const sergeant = role(4);
  const puts = () => fake.calls.filter((c) => c.method === 'PUT' && c.path.endsWith(`/roles/${sergeant}`)).length;
  fake.fail({ method: 'PUT', path: new RegExp(`/roles/${sergeant}$`) }, DISCORD_ERRORS.missingPermissions, {
    times: 1000,
  });
  const players = [await addPlayer(3, 650), await addPlayer(4, 650), await addPlayer(5, 650)];
  const rankUp = async (p: { telegramId: number }) => {
    const result = await progression.award({
      player: { platform: 'telegram', id: p.telegramId },
      xp: 100,
      reason: 'game',
      source: 'telegram',
    });
    await eventsSettled();
    const { rows } = await db.pool.query(
      `SELECT r.detail, e.outcome, e.dead_at FROM delivery_receipts r JOIN cross_platform_events e ON e.id = r.event_id
       WHERE r.event_id = ANY($1::uuid[]) AND r.target = 'discord:roles'`,
      [result.events.filter((e) => e.type === 'rank_up').map((e) => e.id)],
    );
    return rows[0];
  };
  // The first rank-up tries the role and Discord refuses; the event completes, skipping it.
  expect(await rankUp(players[0]!)).toEqual({
    detail: `-${role(3)} !${sergeant} Missing Permissions (50013)`,
    outcome: 'skipped',
    dead_at: null,
  });
  await waitUntil(() => workerLines(fix) >= 1, 10_000, 'the report');
  // The next players' rank-ups do not try it again.
  for (const p of players.slice(1))
    expect(await rankUp(p)).toEqual({
      detail: `-${role(3)} !${sergeant} unmanageable`,
      outcome: 'skipped',
      dead_at: null,
    });
  expect(await workerMetric('ttfd_discord_unmanageable_roles')).toBe(1);
  const putsAfterEvents = puts();

  // The periodic check tries it again (and Discord still refuses): still one report.
  await waitUntil(() => puts() > putsAfterEvents, 3 * CHECK_SECONDS * 1000, 'a rank roles check to try the role');
  await eventsSettled();
  expect(workerLines(fix)).toBe(1);
  expect(await workerMetric('ttfd_discord_unmanageable_role_reports_total')).toBe(1);

  // Fixed on the Discord side: the next check gives the role and clears the report.
  fake.clearFaults();
  await waitUntil(
    () => players.every((p) => fake.rolesOf(GUILD, p.discordId)?.includes(sergeant)),
    3 * CHECK_SECONDS * 1000,
    'the Sergeant role given by a check',
  );
  await waitUntil(
    async () => (await workerMetric('ttfd_discord_unmanageable_roles')) === 0,
    10_000,
    'the gauge cleared',
  );
  expect(workerLines(fix)).toBe(1);
});

it('the periodic check repairs a rank role removed by hand while nothing was watching', async () => {
  const gleb = await addPlayer(6, 1600, [role(5)]);
  fake.addMember(GUILD, gleb.discordId, ['424242424242']);
  await waitUntil(
    () => fake.rolesOf(GUILD, gleb.discordId)?.sort().join() === ['424242424242', role(5)].sort().join(),
    3 * CHECK_SECONDS * 1000,
    'the Lieutenant role back, the other role untouched',
  );
  const checks = await db.pool.query(
    `SELECT count(DISTINCT data->>'round')::int AS rounds FROM cross_platform_events WHERE event_type = 'rank_roles_check'`,
  );
  expect(checks.rows[0].rounds).toBeGreaterThanOrEqual(1);
});
