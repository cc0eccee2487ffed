import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLinking, createProgression, createWake, verifyPassword } from '@ttfd/shared';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';
import { runCli } from '../src/cli';
import type { ImportReport } from '../src/legacy-import/import-legacy';
import { createLegacyDatabases, type LegacyData, type LegacyDatabases } from './legacy-databases';

/** A Werkzeug pbkdf2 hash of PASSWORD (see shared/src/identity/passwords.spec.ts for how it was made). */
const PASSWORD = 'correct horse battery staple';
const PBKDF2 = 'pbkdf2:sha256:600000$Rq3cNw8yBvTk1zXa$4829f0e53ae42be5dd1c56d2693eff43922f4c847a8f46206509d0bb747a2327';
/** hashlib.scrypt("пароль 🔑".encode(), salt=b"s4lT", n=16384, r=8, p=2, dklen=64, maxmem=132*16384*8*2) */
const SCRYPT_PASSWORD = 'пароль 🔑';
const SCRYPT =
  'scrypt:16384:8:2$s4lT$501fad4c5e2028448d73ccec551fa633b65ba969372c294820ee1900b4531a20c1d7aaf52a1cb0f0f16506f48c0bd33710b67918e771e489d4a535b94475dc6b';

const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

/** Every messy case of the issue, with the outcome each row should have. */
const DATA: LegacyData = {
  telegram: [
    // Alice: a broken streak (last claim long ago) counts 0; her Discord member typed this id in.
    {
      user_id: '100',
      username: '@alice',
      first_name: '  Алиса 🌸 ',
      xp: 1200,
      coins: 50,
      rank: 'Gold',
      games_played: 10,
      games_won: 4,
      daily_streak: 3,
      last_daily: '2025-01-01',
      created_at: '2024-01-01T10:00:00Z',
    },
    // Bob: every counter null, id with leading zeros; his website account typed his id in.
    {
      user_id: '000200',
      username: null,
      first_name: 'Bob',
      xp: null,
      coins: null,
      games_played: null,
      games_won: null,
      daily_streak: null,
      last_daily: null,
      created_at: '2024-02-01T00:00:00Z',
    },
    // Carol: a live streak (claimed yesterday) is kept.
    {
      user_id: '300',
      username: 'carol',
      first_name: null,
      xp: 700,
      coins: 5,
      games_played: 1,
      games_won: 1,
      daily_streak: 8,
      last_daily: yesterday,
      created_at: null,
    },
    {
      user_id: ' 400 ',
      username: '   ',
      first_name: 'Dave\t',
      xp: 100,
      coins: 0,
      games_played: 0,
      games_won: 0,
      daily_streak: 0,
      last_daily: null,
      created_at: '2024-04-01T00:00:00Z',
    },
    // One Telegram id on two rows ('500' and '0500'): neither is imported.
    {
      user_id: '500',
      username: 'twin_a',
      first_name: null,
      xp: 10,
      coins: 1,
      games_played: 0,
      games_won: 0,
      daily_streak: 0,
      last_daily: null,
      created_at: null,
    },
    {
      user_id: '0500',
      username: 'twin_b',
      first_name: null,
      xp: 20,
      coins: 2,
      games_played: 0,
      games_won: 0,
      daily_streak: 0,
      last_daily: null,
      created_at: null,
    },
    {
      user_id: 'abc',
      username: 'not_an_id',
      first_name: null,
      xp: 5,
      coins: 0,
      games_played: 0,
      games_won: 0,
      daily_streak: 0,
      last_daily: null,
      created_at: null,
    },
    {
      user_id: '600',
      username: 'cheater',
      first_name: null,
      xp: 7,
      coins: 0,
      games_played: 1,
      games_won: 3,
      daily_streak: 0,
      last_daily: null,
      created_at: null,
    },
    {
      user_id: '700',
      username: 'eve',
      first_name: 'Eve 🐉',
      xp: 60000,
      coins: 900,
      games_played: 120,
      games_won: 15,
      daily_streak: 0,
      last_daily: null,
      created_at: '2023-06-01T00:00:00Z',
    },
    // Claimed by a Discord member and a website account at once: a conflict, no proposal.
    {
      user_id: '800',
      username: 'frank',
      first_name: null,
      xp: 40,
      coins: 4,
      games_played: 0,
      games_won: 0,
      daily_streak: 0,
      last_daily: null,
      created_at: null,
    },
    // Already on the unified platform (30 XP earned there): the legacy progress is added.
    {
      user_id: '900',
      username: 'gina_old',
      first_name: 'Gina',
      xp: 500,
      coins: 60,
      games_played: 2,
      games_won: 1,
      daily_streak: 0,
      last_daily: null,
      created_at: '2022-01-01T00:00:00Z',
    },
  ],
  discord: [
    {
      discord_id: '0011111111111111111',
      username: 'Алиса#discord',
      xp: 300,
      level: 3,
      messages: 150,
      voice_seconds: 40000,
      telegram_id: 100,
      created_at: '2024-01-05T00:00:00Z',
    },
    {
      discord_id: '22222222222222222',
      username: 'gamer😎',
      xp: null,
      level: null,
      messages: null,
      voice_seconds: 3600,
      telegram_id: null,
      created_at: '2024-01-07T00:00:00Z',
    },
    {
      discord_id: '33333333333333333',
      username: 'frank-d',
      xp: 20,
      level: 1,
      messages: 3,
      voice_seconds: 0,
      telegram_id: 800,
      created_at: null,
    },
    {
      discord_id: '44444444444444444',
      username: 'claimed twice',
      xp: 11,
      level: 1,
      messages: 1,
      voice_seconds: 0,
      telegram_id: null,
      created_at: null,
    },
    {
      discord_id: '55555555555555555',
      username: 'negative',
      xp: -5,
      level: 1,
      messages: 1,
      voice_seconds: 0,
      telegram_id: null,
      created_at: null,
    },
  ],
  website: [
    {
      id: 1,
      email: 'Alice@Example.com ',
      email_verified: true,
      password_hash: PBKDF2,
      username: 'alice_web',
      discord_id: ' 011111111111111111',
      telegram_id: null,
      created_at: '2024-01-06T00:00:00Z',
    },
    {
      id: 2,
      email: 'bob@example.com',
      email_verified: true,
      password_hash: SCRYPT,
      username: 'bob',
      discord_id: null,
      telegram_id: 200,
      created_at: '2024-02-02T00:00:00Z',
    },
    {
      id: 3,
      email: 'frank@example.com',
      email_verified: false,
      password_hash: 'md5$5f4dcc3b5aa765d61d8327deb882cf99',
      username: 'frank',
      discord_id: null,
      telegram_id: 800,
      created_at: null,
    },
    {
      id: 4,
      email: 'x@example.com',
      email_verified: true,
      password_hash: PBKDF2,
      username: 'x',
      discord_id: '44444444444444444',
      telegram_id: null,
      created_at: null,
    },
    {
      id: 5,
      email: 'y@example.com',
      email_verified: true,
      password_hash: null,
      username: 'y',
      discord_id: '44444444444444444',
      telegram_id: null,
      created_at: null,
    },
    {
      id: 6,
      email: 'DUP@example.com',
      email_verified: true,
      password_hash: PBKDF2,
      username: 'dup1',
      discord_id: null,
      telegram_id: null,
      created_at: null,
    },
    {
      id: 7,
      email: 'dup@EXAMPLE.com',
      email_verified: true,
      password_hash: PBKDF2,
      username: 'dup2',
      discord_id: null,
      telegram_id: null,
      created_at: null,
    },
    {
      id: 8,
      email: 'not-an-email',
      email_verified: true,
      password_hash: PBKDF2,
      username: 'nobody',
      discord_id: null,
      telegram_id: null,
      created_at: null,
    },
    {
      id: 9,
      email: 'Pre@Example.com',
      email_verified: true,
      password_hash: PBKDF2,
      username: 'pre_legacy',
      discord_id: null,
      telegram_id: null,
      created_at: '2021-01-01T00:00:00Z',
    },
    {
      id: 10,
      email: 'unv@example.com',
      email_verified: false,
      password_hash: PBKDF2,
      username: 'squatter',
      discord_id: null,
      telegram_id: null,
      created_at: null,
    },
    {
      id: 11,
      email: '  Ünïcødé@Example.com ',
      email_verified: true,
      password_hash: null,
      username: ' 🦄 ',
      discord_id: null,
      telegram_id: null,
      created_at: null,
    },
  ],
};

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

let legacy: LegacyDatabases;
let unified: TestDatabase;
let tmp: string;

async function importInto(db: TestDatabase, extra: string[] = []) {
  const c = capture();
  const code = await runCli(
    [
      'import-legacy',
      '--telegram',
      legacy.urls.telegram,
      '--discord',
      legacy.urls.discord,
      '--website',
      legacy.urls.website,
      '--batch-size',
      '3',
      ...extra,
    ],
    { DATABASE_URL: db.url },
    c.io,
  );
  return { code, ...c, report: code === 0 ? (JSON.parse(c.out.join('\n')) as ImportReport) : null };
}

/** What a user would find in the unified database, keyed by legacy row (ids aside, which differ between runs). */
async function snapshot(db: TestDatabase) {
  const { rows } = await db.pool.query(`
    SELECT l.source || ':' || l.legacy_id AS legacy, u.telegram_id::text, u.discord_id, u.website_email, u.username,
           u.display_name, u.xp::int, u.coins::int, u.rank_id, u.games_played, u.games_won, u.messages_sent::int,
           u.total_voice_time::int, u.daily_streak, u.last_daily_claim, u.achievements, u.primary_platform,
           u.created_at, c.password_hash,
           (SELECT array_agg(ll.source || ':' || ll.legacy_id ORDER BY ll.source, ll.legacy_id) FROM legacy_ids ll WHERE ll.user_id = u.id) AS together
    FROM legacy_ids l JOIN unified_users u ON u.id = l.user_id LEFT JOIN website_credentials c ON c.user_id = u.id
    ORDER BY 1`);
  const counts = await db.pool.query(`
    SELECT (SELECT count(*) FROM unified_users)::int AS users, (SELECT count(*) FROM cross_platform_events)::int AS events,
           (SELECT count(*) FROM legacy_link_proposals)::int AS proposals, (SELECT count(*) FROM website_credentials)::int AS credentials`);
  return { rows, counts: counts.rows[0] };
}

async function account(db: TestDatabase, where: string, value: string) {
  const { rows } = await db.pool.query(
    `SELECT u.*, u.xp::int AS xp, u.coins::int AS coins, u.messages_sent::int AS messages_sent,
            u.total_voice_time::int AS total_voice_time, u.telegram_id::text AS telegram_id, c.password_hash
     FROM unified_users u LEFT JOIN website_credentials c ON c.user_id = u.id WHERE ${where} = $1`,
    [value],
  );
  expect(rows).toHaveLength(1);
  return rows[0];
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ttfd-import-'));
  legacy = await createLegacyDatabases(DATA);
  unified = await createTestDatabase();
  // Players who already use the unified platform.
  const progression = createProgression({ pool: unified.pool, wake: createWake(unified.pool) });
  await progression.award({
    player: { platform: 'telegram', id: 900 },
    xp: 30,
    coins: 3,
    reason: 'quest',
    source: 'telegram',
  });
  await progression.award({
    player: { platform: 'website', id: 'pre@example.com' },
    xp: 10,
    reason: 'quest',
    source: 'website',
  });
  await progression.award({
    player: { platform: 'website', id: 'unv@example.com' },
    xp: 1,
    reason: 'quest',
    source: 'website',
  });
}, 60_000);

afterAll(async () => {
  await unified?.drop();
  await legacy?.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const sum = (xs: (number | null)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);
const LEGACY_XP = sum([...DATA.telegram.map((r) => r.xp), ...DATA.discord.map((r) => r.xp)]);
const LEGACY_COINS = sum(DATA.telegram.map((r) => r.coins));

describe('ttfd import-legacy', () => {
  let dryReport: ImportReport;

  it('--dry-run prints and writes the report and changes nothing', async () => {
    const before = await snapshot(unified);
    const file = path.join(tmp, 'dry.json');
    const run = await importInto(unified, ['--dry-run', '--report', file]);
    expect(run.err.filter((l) => !l.startsWith('import-legacy: '))).toEqual([]);
    expect(run.code).toBe(0);
    dryReport = run.report!;
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(dryReport);
    expect(dryReport.dry_run).toBe(true);
    expect(dryReport.accounts.created).toBe(15);
    expect(await snapshot(unified)).toEqual(before);
  });

  it('imports: the report counts every row, link, proposal and conflict, and names both sides', async () => {
    const file = path.join(tmp, 'real.json');
    const run = await importInto(unified, ['--report', file]);
    expect(run.code).toBe(0);
    const report = run.report!;
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(report);
    expect({ ...dryReport, dry_run: false }).toEqual(report);
    expect(run.err.some((l) => /^import-legacy: wrote \d+\/\d+ rows$/.test(l))).toBe(true);

    expect(report.sources).toEqual({
      telegram: {
        rows: 11,
        imported: 7,
        already_imported: 0,
        skipped: { duplicate_id: 2, invalid_telegram_id: 1, games_won_exceeds_games_played: 1 },
      },
      discord: { rows: 5, imported: 4, already_imported: 0, skipped: { negative_counter: 1 } },
      website: {
        rows: 11,
        imported: 7,
        already_imported: 0,
        skipped: { invalid_email: 1, duplicate_email: 2, conflict: 1 },
      },
    });
    expect(report.accounts).toEqual({ created: 15, merged_into_existing: 2, already_imported: 0 });
    expect(report.links).toEqual({ discord_oauth: 1, trusted_telegram_claim: 0, existing_account: 2 });
    expect(report.proposals).toBe(2);
    expect(report.passwords).toEqual({ carried: 4, reset_needed: 3, unknown_format: 1 });
    expect(report.no_op).toBe(false);
    const unv = await account(unified, 'website_email', 'unv@example.com');
    expect(report.conflicts).toEqual([
      { kind: 'duplicate_id', identity: 'telegram:500', sides: ['telegram:0500', 'telegram:500'] },
      { kind: 'duplicate_email', identity: 'email:dup@example.com', sides: ['website:6', 'website:7'] },
      {
        kind: 'discord_id_claimed_twice',
        identity: 'discord:44444444444444444',
        sides: ['website:4', 'website:5', 'discord:44444444444444444'],
      },
      {
        kind: 'telegram_id_claimed_twice',
        identity: 'telegram:800',
        sides: ['discord:33333333333333333', 'website:3'],
      },
      {
        kind: 'unverified_email_taken',
        identity: 'website:unv@example.com',
        sides: ['website:10', `account:${unv.id}`],
      },
    ]);
    // Skipped: the twins (10+20 XP, 1+2 coins), 'abc' (5), the cheater (7), the negative member (-5 reads as 0).
    expect(report.totals).toEqual({
      legacy: { xp: LEGACY_XP + 5, coins: LEGACY_COINS },
      unified: { xp: LEGACY_XP + 5 - 42, coins: LEGACY_COINS - 3 },
      skipped: { xp: 42, coins: 3 },
    });
  });

  it('carries each person field by field: names, counters, streaks, rank and achievements from the totals', async () => {
    const alice = await account(unified, 'telegram_id', '100');
    expect(alice).toMatchObject({
      discord_id: null,
      website_email: null,
      username: 'alice',
      display_name: 'Алиса 🌸',
      xp: 1200,
      coins: 50,
      rank_id: 4,
      games_played: 10,
      games_won: 4,
      daily_streak: 0,
      last_daily_claim: '2025-01-01',
      primary_platform: 'telegram',
      merged_into: null,
      password_hash: null,
    });
    expect([...alice.achievements].sort()).toEqual(['first_game', 'rank_2', 'rank_3', 'rank_4']);
    expect(alice.created_at.toISOString()).toBe('2024-01-01T10:00:00.000Z');

    const bob = await account(unified, 'telegram_id', '200');
    expect(bob).toMatchObject({ username: null, display_name: 'Bob', xp: 0, coins: 0, rank_id: 1, achievements: [] });
    const carol = await account(unified, 'telegram_id', '300');
    expect(carol).toMatchObject({ xp: 700, daily_streak: 8, last_daily_claim: yesterday, rank_id: 4 });
    expect([...carol.achievements].sort()).toEqual(['first_game', 'rank_2', 'rank_3', 'rank_4', 'week_streak']);
    const dave = await account(unified, 'telegram_id', '400');
    expect(dave).toMatchObject({ username: null, display_name: 'Dave', xp: 100, rank_id: 2 });
    const eve = await account(unified, 'telegram_id', '700');
    expect(eve).toMatchObject({ xp: 60000, coins: 900, rank_id: 10 });
    expect(eve.achievements).toEqual(expect.arrayContaining(['ten_wins', 'first_game', 'rank_10']));

    // Website + Discord joined by OAuth; the Discord member's typed Telegram id is only a proposal.
    const aliceWeb = await account(unified, 'website_email', 'alice@example.com');
    expect(aliceWeb).toMatchObject({
      telegram_id: null,
      discord_id: '11111111111111111',
      username: 'Алиса#discord',
      xp: 300,
      messages_sent: 150,
      total_voice_time: 40000,
      rank_id: 3,
      primary_platform: 'discord',
      password_hash: PBKDF2,
    });
    expect([...aliceWeb.achievements].sort()).toEqual(['hundred_messages', 'rank_2', 'rank_3', 'ten_hours_voice']);
    await expect(verifyPassword(aliceWeb.password_hash, PASSWORD)).resolves.toEqual({ ok: true, rehash: true });

    const bobWeb = await account(unified, 'website_email', 'bob@example.com');
    expect(bobWeb).toMatchObject({ telegram_id: null, username: 'bob', password_hash: SCRYPT });
    await expect(verifyPassword(bobWeb.password_hash, SCRYPT_PASSWORD)).resolves.toEqual({ ok: true, rehash: true });
    // Unknown hash format and no hash: the account exists, its password must be set through a reset.
    const frankWeb = await account(unified, 'website_email', 'frank@example.com');
    expect(frankWeb.password_hash).toBeNull();
    await expect(verifyPassword(frankWeb.password_hash, 'password')).resolves.toMatchObject({ resetNeeded: true });
    const unicode = await account(unified, 'website_email', 'ünïcødé@example.com');
    expect(unicode).toMatchObject({ username: '🦄', password_hash: null });

    // The id two accounts claimed stays with the Discord member; neither website account gets it.
    expect(await account(unified, 'discord_id', '44444444444444444')).toMatchObject({ website_email: null, xp: 11 });
    expect(await account(unified, 'website_email', 'x@example.com')).toMatchObject({ discord_id: null });
    expect(await account(unified, 'website_email', 'y@example.com')).toMatchObject({ discord_id: null });
    expect(await account(unified, 'discord_id', '22222222222222222')).toMatchObject({
      username: 'gamer😎',
      xp: 0,
      messages_sent: 0,
      total_voice_time: 3600,
    });

    // Existing players: the legacy progress is added by the merge rules; their own names come first.
    const gina = await account(unified, 'telegram_id', '900');
    expect(gina).toMatchObject({ xp: 530, coins: 63, games_played: 2, games_won: 1, rank_id: 3 });
    expect(gina.created_at.toISOString()).toBe('2022-01-01T00:00:00.000Z');
    const pre = await account(unified, 'website_email', 'pre@example.com');
    expect(pre).toMatchObject({ xp: 10, password_hash: PBKDF2 });
    // The squatter's unverified e-mail never joined the existing account.
    expect(await account(unified, 'website_email', 'unv@example.com')).toMatchObject({ xp: 1, password_hash: null });

    // Skipped rows made no account.
    const { rows: none } = await unified.pool.query(
      `SELECT count(*)::int AS n FROM unified_users WHERE telegram_id IN (500, 600) OR discord_id = '55555555555555555'
         OR lower(website_email) IN ('dup@example.com', 'not-an-email')`,
    );
    expect(none[0].n).toBe(0);
  });

  it('writes proposals the Telegram player can confirm, and no notifications', async () => {
    const aliceWeb = await account(unified, 'website_email', 'alice@example.com');
    const bobWeb = await account(unified, 'website_email', 'bob@example.com');
    const { rows } = await unified.pool.query(
      `SELECT telegram_id::text, claimant_platform, claimant_identity, user_id::text FROM legacy_link_proposals ORDER BY 1`,
    );
    expect(rows).toEqual([
      {
        telegram_id: '100',
        claimant_platform: 'discord',
        claimant_identity: '11111111111111111',
        user_id: aliceWeb.id,
      },
      { telegram_id: '200', claimant_platform: 'website', claimant_identity: 'bob@example.com', user_id: bobWeb.id },
    ]);
    const { rows: pending } = await unified.pool.query(
      `SELECT event_type, count(*)::int AS n FROM cross_platform_events
       WHERE source_platform = 'system' AND NOT processed GROUP BY 1`,
    );
    expect(pending).toEqual([]);
    const { rows: registered } = await unified.pool.query(
      `SELECT count(*)::int AS n FROM cross_platform_events WHERE event_type = 'user_registered' AND source_platform = 'system' AND processed`,
    );
    expect(registered[0].n).toBe(15);
  });

  it('keeps the ledger exact: ttfd reconcile passes', async () => {
    const c = capture();
    expect(await runCli(['reconcile'], { DATABASE_URL: unified.url }, c.io)).toBe(0);
    expect(c.out.at(-1)).toMatch(/ledger exact/);
  });

  it('a second run changes nothing and says so', async () => {
    const before = await snapshot(unified);
    const run = await importInto(unified);
    expect(run.code).toBe(0);
    const report = run.report!;
    expect(report.no_op).toBe(true);
    expect(report.accounts).toEqual({ created: 0, merged_into_existing: 0, already_imported: 17 });
    expect(report.proposals).toBe(0);
    expect(report.sources.telegram).toMatchObject({ rows: 11, imported: 0, already_imported: 7 });
    expect(report.totals.unified).toEqual({ xp: LEGACY_XP + 5 - 42, coins: LEGACY_COINS - 3 });
    expect(await snapshot(unified)).toEqual(before);
  });
});

describe('legacy link proposals, confirmed from Telegram', () => {
  it('asks the Telegram player about the Discord member who typed their id, and links on their yes only', async () => {
    let clock = new Date();
    const linking = createLinking({ pool: unified.pool, wake: createWake(unified.pool), now: () => clock });
    const aliceWeb = await account(unified, 'website_email', 'alice@example.com');
    const asked = await linking.askLegacyLink({ platform: 'telegram', id: '100' });
    expect(asked).toMatchObject({
      status: 'needs_confirmation',
      keeps: 'yours',
      other: {
        identities: [
          { platform: 'discord', shown: '…1111' },
          { platform: 'website', shown: 'a***@example.com' },
        ],
        names: ['Алиса#discord', '@Алиса#discord'],
      },
    });
    if (asked?.status !== 'needs_confirmation') throw new Error('not asked');
    expect(asked.preview?.after).toMatchObject({ xp: 1500, platforms: ['telegram', 'discord', 'website'] });
    // Shown once: not asked again while the question stands.
    expect(await linking.askLegacyLink({ platform: 'telegram', id: '100' })).toBeNull();
    // Only the Telegram player can answer.
    const stranger = await linking.confirmMerge({
      confirmToken: asked.confirmToken,
      by: { platform: 'discord', id: '11111111111111111' },
    });
    expect(stranger).toEqual({ status: 'invalid_token' });
    const yes = await linking.confirmMerge({
      confirmToken: asked.confirmToken,
      by: { platform: 'telegram', id: '100' },
    });
    expect(yes).toMatchObject({
      status: 'merged',
      account: { xp: 1500, platforms: ['telegram', 'discord', 'website'] },
    });
    const alice = await account(unified, 'telegram_id', '100');
    expect(alice).toMatchObject({ discord_id: '11111111111111111', website_email: 'alice@example.com', rank_id: 5 });
    expect(alice.achievements).toContain('all_platforms');
    expect((await account(unified, 'id', aliceWeb.id)).merged_into).toBe(alice.id);
    const { rows: linked } = await unified.pool.query(
      `SELECT data FROM cross_platform_events WHERE user_id = $1 AND event_type = 'account_linked'`,
      [alice.id],
    );
    expect(linked.map((r) => r.data)).toEqual(
      expect.arrayContaining([
        { platform: 'discord', via: 'legacy_claim' },
        { platform: 'website', via: 'legacy_claim' },
      ]),
    );

    // Bob says no: the proposal is gone and never asked again, even after the token's time.
    const bobAsked = await linking.askLegacyLink({ platform: 'telegram', id: '200' });
    if (bobAsked?.status !== 'needs_confirmation') throw new Error('bob not asked');
    expect(bobAsked.other.identities).toEqual([{ platform: 'website', shown: 'b***@example.com' }]);
    clock = new Date(clock.getTime() + 11 * 60_000);
    const again = await linking.askLegacyLink({ platform: 'telegram', id: '200' });
    if (again?.status !== 'needs_confirmation') throw new Error('bob not asked again after the token expired');
    expect(
      await linking.cancelMerge({ confirmToken: again.confirmToken, by: { platform: 'telegram', id: '200' } }),
    ).toEqual({
      status: 'cancelled',
    });
    clock = new Date(clock.getTime() + 60 * 60_000);
    expect(await linking.askLegacyLink({ platform: 'telegram', id: '200' })).toBeNull();
    expect(await account(unified, 'telegram_id', '200')).toMatchObject({ website_email: null });
    const { rows: left } = await unified.pool.query(`SELECT count(*)::int AS n FROM legacy_link_proposals`);
    expect(left[0].n).toBe(0);

    const c = capture();
    expect(await runCli(['reconcile'], { DATABASE_URL: unified.url }, c.io)).toBe(0);
  });
});

describe('ttfd import-legacy --trust-legacy-links', () => {
  it('joins typed-in Telegram ids outright, still never a contested one', async () => {
    const db = await createTestDatabase();
    try {
      const run = await importInto(db, ['--trust-legacy-links']);
      expect(run.code).toBe(0);
      expect(run.report!.links).toEqual({ discord_oauth: 1, trusted_telegram_claim: 2, existing_account: 0 });
      expect(run.report!.proposals).toBe(0);
      const alice = await account(db, 'telegram_id', '100');
      expect(alice).toMatchObject({
        discord_id: '11111111111111111',
        website_email: 'alice@example.com',
        xp: 1500,
        rank_id: 5,
        username: 'alice',
        primary_platform: 'telegram',
      });
      expect(alice.achievements).toContain('all_platforms');
      expect(await account(db, 'telegram_id', '200')).toMatchObject({ website_email: 'bob@example.com' });
      expect(await account(db, 'telegram_id', '800')).toMatchObject({ discord_id: null, website_email: null });
    } finally {
      await db.drop();
    }
  });
});

describe('ttfd import-legacy checks before writing', () => {
  let broken: LegacyDatabases;
  let db: TestDatabase;
  beforeAll(async () => {
    broken = await createLegacyDatabases({ telegram: DATA.telegram.slice(0, 2), discord: [], website: [] });
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
    await broken.drop();
  });

  async function run(...args: string[]) {
    const c = capture();
    const code = await runCli(['import-legacy', ...args], { DATABASE_URL: db.url }, c.io);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM unified_users`);
    return { code, err: c.err.join('\n'), out: c.out, users: rows[0].n };
  }

  it('a missing column: one error naming it, nothing written', async () => {
    await broken.discord.pool.query(`ALTER TABLE members DROP COLUMN voice_seconds`);
    const r = await run('--telegram', broken.urls.telegram, '--discord', broken.urls.discord);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'The legacy schema does not match the mapping (nothing was written):\n  discord: column members.voice_seconds does not exist',
    );
    expect(r.users).toBe(0);
  });

  it('a wrong column type names the column and the types it could be', async () => {
    await broken.website.pool.query(`ALTER TABLE accounts ALTER COLUMN email_verified TYPE text`);
    const r = await run('--website', broken.urls.website);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/website: column accounts\.email_verified has type text; expected one of boolean$/);
    expect(r.users).toBe(0);
  });

  it('a mapping file renames tables and columns', async () => {
    await broken.discord.pool.query(`ALTER TABLE members RENAME TO guild_members`);
    await broken.discord.pool.query(`ALTER TABLE guild_members ADD COLUMN voice bigint`);
    const file = path.join(tmp, 'mapping.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ discord: { table: 'guild_members', columns: { voice_seconds: 'voice' } } }),
    );
    const r = await run('--discord', broken.urls.discord, '--telegram', broken.urls.telegram, '--mapping', file);
    expect(r.err).not.toMatch(/does not/);
    expect(r.code).toBe(0);
    expect(r.users).toBe(2);
    fs.writeFileSync(file, JSON.stringify({ discord: { columns: { voice_secs: 'voice' } } }));
    const bad = await run('--discord', broken.urls.discord, '--mapping', file);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^Mapping file .*: discord\.columns: Unrecognized key: "voice_secs"$/);
  });

  it('an unreachable source and a database not migrated are refused by name', async () => {
    const r = await run('--telegram', 'postgres://nobody@127.0.0.1:1/none');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^The telegram database is not reachable: /);
    const empty = await createTestDatabase({ migrated: false });
    try {
      const c = capture();
      const code = await runCli(
        ['import-legacy', '--telegram', broken.urls.telegram],
        { DATABASE_URL: empty.url },
        c.io,
      );
      expect(code).toBe(1);
      expect(c.err.join('\n')).toMatch(
        /^The unified database is not migrated \(\d+ pending: .*\); run "ttfd migrate" first$/,
      );
    } finally {
      await empty.drop();
    }
  });

  it('takes the URLs from LEGACY_*_URL when no flag gives them (a Job reads them from a Secret)', async () => {
    const c = capture();
    const env = { DATABASE_URL: db.url, LEGACY_TELEGRAM_URL: broken.urls.telegram };
    expect(await runCli(['import-legacy', '--dry-run'], env, c.io)).toBe(0);
    expect(JSON.parse(c.out.join('\n')).sources).toEqual({
      telegram: { rows: 2, imported: expect.any(Number), already_imported: expect.any(Number), skipped: {} },
    });
  });

  it('refuses a run without any source, and a bad batch size', async () => {
    expect((await run()).err).toBe('No legacy database given: pass --telegram, --discord or --website');
    const r = await run('--telegram', broken.urls.telegram, '--batch-size', '0');
    expect(r.code).toBe(2);
    expect(r.err).toBe('--batch-size must be a positive whole number of rows, not "0"');
  });
});

describe('ttfd import-legacy: names with backslashes, tabs and line breaks', () => {
  it('carries them unchanged into the account and its history events', async () => {
    const name = 'a\\b\tc "q" \\N\nline2 \\.';
    const odd = await createLegacyDatabases({
      telegram: [{ ...DATA.telegram[0]!, user_id: '4242', username: '\\\\weird\t', first_name: name }],
      discord: [],
      website: [],
    });
    const db = await createTestDatabase();
    try {
      const c = capture();
      const code = await runCli(['import-legacy', '--telegram', odd.urls.telegram], { DATABASE_URL: db.url }, c.io);
      expect(c.err.filter((l) => !l.startsWith('import-legacy: '))).toEqual([]);
      expect(code).toBe(0);
      const { rows } = await db.pool.query(
        `SELECT u.username, u.display_name, e.event_type, e.data
         FROM unified_users u JOIN cross_platform_events e ON e.user_id = u.id WHERE u.telegram_id = 4242 ORDER BY e.seq`,
      );
      expect(rows.map((r) => [r.username, r.display_name])).toEqual([
        ['\\\\weird', name],
        ['\\\\weird', name],
      ]);
      expect(rows.map((r) => [r.event_type, r.data.username ?? r.data.reason])).toEqual([
        ['user_registered', '\\\\weird'],
        ['xp_change', 'legacy_import'],
      ]);
      const { rows: map } = await db.pool.query(`SELECT source, legacy_id FROM legacy_ids`);
      expect(map).toEqual([{ source: 'telegram', legacy_id: '4242' }]);
    } finally {
      await db.drop();
      await odd.drop();
    }
  });
});
