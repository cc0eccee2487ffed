import { createTestDatabase, type TestDatabase } from '@ttfd/testing';

/**
 * The three legacy databases, built in the test PostgreSQL with the old bots' and site's
 * schemas (Telegram ids stored as text here, as some real tables did) and messy rows.
 */

export interface TelegramUser {
  user_id: string;
  username: string | null;
  first_name: string | null;
  xp: number | null;
  coins: number | null;
  rank?: string | null;
  games_played: number | null;
  games_won: number | null;
  daily_streak: number | null;
  last_daily: string | null;
  created_at: string | null;
}

export interface DiscordMember {
  discord_id: string;
  username: string | null;
  xp: number | null;
  level?: number | null;
  messages: number | null;
  voice_seconds: number | null;
  telegram_id: number | null;
  created_at: string | null;
}

export interface WebsiteAccount {
  id: number;
  email: string | null;
  email_verified: boolean | null;
  password_hash: string | null;
  username: string | null;
  discord_id: string | null;
  telegram_id: number | null;
  created_at: string | null;
}

export interface LegacyData {
  telegram: TelegramUser[];
  discord: DiscordMember[];
  website: WebsiteAccount[];
}

export interface LegacyDatabases {
  telegram: TestDatabase;
  discord: TestDatabase;
  website: TestDatabase;
  urls: { telegram: string; discord: string; website: string };
  drop(): Promise<void>;
}

export const TELEGRAM_SCHEMA = `CREATE TABLE users (user_id text PRIMARY KEY, username text, first_name text,
  xp bigint, coins bigint, rank text, games_played int, games_won int, daily_streak int, last_daily date,
  created_at timestamptz)`;
export const DISCORD_SCHEMA = `CREATE TABLE members (discord_id text PRIMARY KEY, username text, xp bigint, level int,
  messages int, voice_seconds bigint, telegram_id bigint NULL, created_at timestamptz)`;
/** Unique on the e-mail as typed: the old site let 'DUP@x' and 'dup@X' both in. */
export const WEBSITE_SCHEMA = `CREATE TABLE accounts (id serial PRIMARY KEY, email text UNIQUE, email_verified boolean,
  password_hash text, username text, discord_id text NULL, telegram_id bigint NULL, created_at timestamptz)`;

async function insert(db: TestDatabase, table: string, rows: object[]): Promise<void> {
  if (rows.length === 0) return;
  // One statement per chunk, through jsonb so nulls, unicode and text ids arrive exactly as written.
  for (let i = 0; i < rows.length; i += 5000) {
    await db.pool.query(`INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`, [
      JSON.stringify(rows.slice(i, i + 5000)),
    ]);
  }
}

export async function createLegacyDatabases(data: LegacyData): Promise<LegacyDatabases> {
  const [telegram, discord, website] = await Promise.all([
    createTestDatabase({ migrated: false, poolSize: 2 }),
    createTestDatabase({ migrated: false, poolSize: 2 }),
    createTestDatabase({ migrated: false, poolSize: 2 }),
  ]);
  await telegram.pool.query(TELEGRAM_SCHEMA);
  await discord.pool.query(DISCORD_SCHEMA);
  await website.pool.query(WEBSITE_SCHEMA);
  await insert(telegram, 'users', data.telegram);
  await insert(discord, 'members', data.discord);
  await insert(website, 'accounts', data.website);
  return {
    telegram,
    discord,
    website,
    urls: { telegram: telegram.url, discord: discord.url, website: website.url },
    async drop() {
      await Promise.all([telegram.drop(), discord.drop(), website.drop()]);
    },
  };
}

/**
 * Generated legacy data of `n` Telegram users, about n/2 Discord members and n/2 website
 * accounts: a third of the members are also website accounts (OAuth), some type in a
 * Telegram id, counters are sometimes null, names carry unicode and emoji.
 */
export function generateLegacyData(n: number): LegacyData {
  const telegram: TelegramUser[] = [];
  const discord: DiscordMember[] = [];
  const website: WebsiteAccount[] = [];
  const names = ['Алиса', 'Bob', '李雷', 'Zoë 🎲', 'مريم', '  spaced  ', '🐉'];
  const day = (i: number) => new Date(Date.UTC(2023, 0, 1) + i * 3_600_000).toISOString();
  for (let i = 1; i <= n; i++) {
    telegram.push({
      user_id: i % 7 === 0 ? `00${1000 + i}` : String(1000 + i),
      username: i % 5 === 0 ? null : `tg_${i}`,
      first_name: names[i % names.length]!,
      xp: i % 11 === 0 ? null : (i * 37) % 5000,
      coins: i % 13 === 0 ? null : i % 300,
      rank: 'ignored',
      games_played: i % 3 === 0 ? null : i % 40,
      games_won: i % 3 === 0 ? null : (i % 40) >> 2,
      daily_streak: i % 9,
      last_daily: i % 4 === 0 ? null : '2024-05-01',
      created_at: day(i),
    });
  }
  for (let i = 1; i <= Math.floor(n / 2); i++) {
    discord.push({
      discord_id: String(10n ** 17n + BigInt(i)),
      username: `${names[(i + 3) % names.length]}#${i}`,
      xp: i % 6 === 0 ? null : (i * 53) % 4000,
      level: 1,
      messages: i % 4 === 0 ? null : i % 500,
      voice_seconds: (i * 97) % 50_000,
      telegram_id: i % 10 === 0 ? 1000 + i : null,
      created_at: day(n + i),
    });
  }
  for (let i = 1; i <= Math.floor(n / 2); i++) {
    website.push({
      id: i,
      email: `${i % 2 ? 'Player' : 'player'}${i}@Example.org`,
      email_verified: i % 5 !== 0,
      password_hash: i % 17 === 0 ? `md5$${i}` : null,
      username: `web ${names[i % names.length]}`,
      discord_id: i % 3 === 0 ? String(10n ** 17n + BigInt(i)) : null,
      telegram_id: i % 8 === 0 ? 1000 + i + 1 : null,
      created_at: day(2 * n + i),
    });
  }
  return { telegram, discord, website };
}
