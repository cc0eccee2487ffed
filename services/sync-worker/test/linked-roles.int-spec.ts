import { randomBytes } from 'node:crypto';
import {
  createProgression,
  createWake,
  loadRoleConnections,
  MissingScopeError,
  saveRoleConnectionGrant,
  type Progression,
  type TokenKey,
  type Wake,
} from '@ttfd/shared';
import path from 'node:path';
import {
  createTestDatabase,
  killSpawned,
  spawnMain,
  startFakeDiscord,
  waitUntil,
  type FakeDiscord,
  type FakeOAuthUser,
  type TestDatabase,
} from '@ttfd/testing';
import type { SyncWorkerService } from '../src/service';
import { startWorker, waitForDrain, workerEnv } from './helpers';

// Discord Linked Roles: the real worker sets players' role connections with their own
// tokens at the stand-in Discord, refreshing and giving up the way Discord expects.
const KEY = randomBytes(32) as TokenKey;
const MAIN = path.resolve(__dirname, '../src/main.ts');

let db: TestDatabase;
let discord: FakeDiscord;
let worker: SyncWorkerService;
let wake: Wake;
let progression: Progression;

const linkedRolesEnv = () =>
  workerEnv(
    db,
    { discord: discord.url },
    {
      DISCORD_TOKEN_KEY: KEY.toString('base64'),
      DISCORD_APPLICATION_ID: discord.oauth.application.id,
      DISCORD_CLIENT_SECRET: discord.oauth.application.secret,
      SYNC_POLL_MS: '200',
    },
  );

beforeAll(async () => {
  db = await createTestDatabase();
  discord = await startFakeDiscord();
  wake = createWake(db.pool);
  progression = createProgression({ pool: db.pool, wake });
  worker = await startWorker(linkedRolesEnv());
});
afterAll(async () => {
  killSpawned();
  await worker?.stop();
  await wake?.flush();
  await discord?.close();
  await db?.drop();
});

/** A player linked on Telegram and Discord who granted Linked Roles on the website. */
async function grantingPlayer(n: number, xp = 0) {
  const user: FakeOAuthUser = { id: `41000000000000${String(n).padStart(4, '0')}`, username: `p${n}` };
  const telegramId = 6_000_000 + n;
  await db.pool.query(
    `INSERT INTO unified_users (telegram_id, discord_id, primary_platform, display_name, xp, rank_id, games_won, games_played)
     VALUES ($1, $2, 'telegram', $3, $4, (SELECT id FROM ranks WHERE min_xp <= $4 ORDER BY min_xp DESC LIMIT 1), 2, 2)`,
    [telegramId, user.id, `Игрок ${n}`, xp],
  );
  const tokens = discord.oauth.issueGrant(user, ['identify', 'role_connections.write']);
  await saveRoleConnectionGrant(db.pool, KEY, {
    discordId: user.id,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresInSeconds: tokens.expires_in,
    scope: tokens.scope,
  });
  wake.signal();
  await waitForDrain(db);
  return { user, telegramId, tokens };
}

const putsFor = (userId: string) => discord.oauth.roleConnections.filter((p) => p.userId === userId);
const winGame = (telegramId: number, xp: number) =>
  progression.award({
    player: { platform: 'telegram', id: telegramId },
    xp,
    reason: 'game',
    source: 'telegram',
    stats: { games_played: 1, games_won: 1 },
    activity: { type: 'game_played', data: { game: 'dice', won: true, xp_delta: xp, coins_delta: 0 } },
  });

it('a new grant sets the role connection at once, and a rank-up sends the new level', async () => {
  const { user, telegramId } = await grantingPlayer(1, 50);
  expect(putsFor(user.id).map((p) => p.body)).toEqual([
    { platform_name: 'TTFD', platform_username: 'Игрок 1', metadata: { level: 1, games_won: 2, daily_streak: 0 } },
  ]);
  await winGame(telegramId, 60);
  await waitUntil(() => putsFor(user.id).length === 2, 10_000, 'the second PUT');
  expect(putsFor(user.id)[1]!.body.metadata).toEqual({ level: 2, games_won: 3, daily_streak: 0 });
  expect(discord.oauth.roleConnectionOf(user.id)?.metadata).toEqual({ level: '2', games_won: '3', daily_streak: '0' });
});

it('stores the tokens sealed, never in clear text', async () => {
  const { user, tokens } = await grantingPlayer(2);
  const { rows } = await db.pool.query(`SELECT * FROM role_connection_grants WHERE discord_id = $1`, [user.id]);
  const row = rows[0];
  const everything =
    JSON.stringify(row) + row.access_token_sealed.toString('latin1') + row.refresh_token_sealed.toString('latin1');
  expect(everything).not.toContain(tokens.access_token);
  expect(everything).not.toContain(tokens.refresh_token);
  expect(row.access_token_sealed.length).toBeGreaterThan(tokens.access_token.length);
  expect(row.scope).toBe('identify role_connections.write');
});

it('an expired access token is refreshed, the new pair stored, and the update delivered', async () => {
  const { user, telegramId, tokens } = await grantingPlayer(3);
  discord.oauth.expire(user.id);
  const refreshes = () => discord.oauth.calls.filter((c) => c.path === '/oauth2/token' && c.status === 200).length;
  const before = refreshes();
  await winGame(telegramId, 10);
  await waitUntil(() => putsFor(user.id).length === 2, 10_000, 'the PUT after the refresh');
  expect(refreshes()).toBe(before + 1);
  const { rows } = await db.pool.query(`SELECT id FROM unified_users WHERE discord_id = $1`, [user.id]);
  const stored = (await loadRoleConnections(db.pool, KEY, [rows[0].id])).get(rows[0].id)!;
  expect(stored.accessToken).not.toBe(tokens.access_token);
  expect(stored.refreshToken).not.toBe(tokens.refresh_token);
  expect(stored.pushed).toEqual({ level: 1, games_won: 3, daily_streak: 0 });
});

it('a revoked grant stops the updates quietly: no retry, nothing dead', async () => {
  const { user, telegramId } = await grantingPlayer(4);
  discord.oauth.revoke(user.id);
  const callsFor = () => discord.oauth.calls.length;
  await winGame(telegramId, 10);
  await waitForDrain(db);
  const { rows } = await db.pool.query(`SELECT revoked_at FROM role_connection_grants WHERE discord_id = $1`, [
    user.id,
  ]);
  expect(rows[0].revoked_at).not.toBeNull();
  const { rows: dead } = await db.pool.query(
    `SELECT count(*)::int AS n FROM cross_platform_events WHERE dead_at IS NOT NULL`,
  );
  expect(dead[0].n).toBe(0);
  const after = callsFor();
  await winGame(telegramId, 10);
  await winGame(telegramId, 10);
  await waitForDrain(db);
  expect(callsFor()).toBe(after);
  expect(putsFor(user.id)).toHaveLength(1);
});

it('a redelivered event sends nothing Discord already has', async () => {
  const { user, telegramId } = await grantingPlayer(5);
  const result = await winGame(telegramId, 10);
  await waitUntil(() => putsFor(user.id).length === 2, 10_000, 'the PUT');
  await waitForDrain(db);
  const played = result.events.find((e) => e.type === 'game_played')!.id;
  await db.pool.query(`UPDATE cross_platform_events SET processed = false, processed_at = NULL WHERE id = $1`, [
    played,
  ]);
  await db.pool.query(`SELECT pg_notify('ttfd_events', '')`);
  await waitForDrain(db);
  expect(putsFor(user.id)).toHaveLength(2);
});

it('a burst of changes while the worker is away ends in one PUT with the latest state', async () => {
  const { user, telegramId } = await grantingPlayer(6);
  await worker.stop();
  for (let i = 0; i < 5; i++) await winGame(telegramId, 10);
  worker = await startWorker(linkedRolesEnv());
  await waitForDrain(db);
  expect(putsFor(user.id).map((p) => p.body.metadata)).toEqual([
    { level: 1, games_won: 2, daily_streak: 0 },
    { level: 1, games_won: 7, daily_streak: 0 },
  ]);
});

it('a DISCORD_TOKEN_KEY that is not 32 bytes of base64 stops the worker, naming the variable', async () => {
  const proc = spawnMain(MAIN, {
    DATABASE_URL: db.url,
    DISCORD_TOKEN_KEY: 'c2hvcnQ=',
    DISCORD_APPLICATION_ID: discord.oauth.application.id,
    DISCORD_CLIENT_SECRET: discord.oauth.application.secret,
  });
  expect(await proc.exited).not.toBe(0);
  expect(proc.output()).toContain('DISCORD_TOKEN_KEY: must be 32 random bytes in base64');
});

it('refuses to save a grant without role_connections.write, storing nothing', async () => {
  const user = { id: '410000000000009999', username: 'nope' };
  const tokens = discord.oauth.issueGrant(user, ['identify']);
  await expect(
    saveRoleConnectionGrant(db.pool, KEY, {
      discordId: user.id,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      expiresInSeconds: tokens.expires_in,
      scope: tokens.scope,
    }),
  ).rejects.toThrow(MissingScopeError);
  const { rowCount } = await db.pool.query(`SELECT 1 FROM role_connection_grants WHERE discord_id = $1`, [user.id]);
  expect(rowCount).toBe(0);
});
