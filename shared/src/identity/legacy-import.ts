/**
 * Carrying people from the legacy databases into unified accounts, a batch at a time.
 *
 *   importLegacyBatch(client, people, { now }) -> LegacyBatchResult   (in the caller's transaction)
 *   legacyImportTotals(db)                     -> { xp, coins }       (everything ever carried)
 *
 * A `LegacyPerson` is what the import decided is one person: legacy rows joined by exact
 * ids and verified links. Each person lands on one account, found by the legacy-id map
 * (rows carried before) or by its identities; with none it is created, with one its
 * progress is merged in by the merge rules (`merge.ts`): XP, coins and counters summed,
 * the longer live daily streak and the later last claim kept, the earlier creation time,
 * the account's own names first. Rows already in the map are not carried again, so a
 * second run changes nothing. A person whose ids point at two accounts, or at an account
 * holding another id on the same platform, is a conflict: nothing of it is written.
 *
 * Legacy XP and coins become one `xp_change` event per person (reason `legacy_import`), so
 * the ledger holds; rank and achievements are recomputed from the totals. The import's
 * events are history, not news: they are written as delivered, so no player is notified.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Platform } from '../platform';
import { unlockedAchievementsSql } from '../progression/achievements.sql';
import { utcDay } from '../progression/rewards';

export type LegacySource = Platform;

export interface LegacyRowRef {
  source: LegacySource;
  legacyId: string;
}

/** One legacy row's progress, normalised (absent counters are 0). */
export interface LegacyProgress extends LegacyRowRef {
  xp: bigint;
  coins: bigint;
  gamesPlayed: number;
  gamesWon: number;
  messagesSent: bigint;
  voiceSeconds: bigint;
  dailyStreak: number;
  /** 'YYYY-MM-DD' or null. */
  lastDaily: string | null;
  createdAt: Date | null;
  username: string | null;
  displayName: string | null;
}

/** A Telegram id typed in by a Discord member or website account, to be confirmed from Telegram. */
export interface LegacyProposal {
  telegramId: string;
  claimantPlatform: 'discord' | 'website';
  claimantIdentity: string;
}

export interface LegacyPerson {
  telegramId: string | null;
  discordId: string | null;
  /** Lower-case. */
  email: string | null;
  /** Whether the e-mail was verified: only a verified one may join an existing account. */
  emailVerified: boolean;
  /** In the order their names take precedence (earliest created first). */
  rows: LegacyProgress[];
  /** A Werkzeug or argon2 hash to carry (null: none, or the player must reset). */
  passwordHash: string | null;
  /** Whether the person has a website account whose password must be set through a reset. */
  passwordResetNeeded: boolean;
  /** Whether that is because its stored hash is in a format no login can check (rather than absent). */
  passwordUnknownFormat: boolean;
  proposals: LegacyProposal[];
}

export type LegacyConflictReason = 'ids_on_two_accounts' | 'platform_taken' | 'unverified_email_taken';

export interface LegacyPersonConflict {
  reason: LegacyConflictReason;
  rows: LegacyRowRef[];
  /** The existing accounts involved, with the identity that points at each. */
  accounts: { userId: string; platform: Platform | 'legacy_id'; identity: string }[];
}

export interface LegacyBatchResult {
  created: number;
  /** People merged into an account that existed before this batch. */
  mergedIntoExisting: number;
  /** People whose rows were all carried before. */
  alreadyImported: number;
  /** Legacy rows carried, by source. */
  rowsCarried: Record<LegacySource, number>;
  passwordsCarried: number;
  passwordsResetNeeded: number;
  passwordsUnknownFormat: number;
  proposals: number;
  conflicts: LegacyPersonConflict[];
  xp: bigint;
  coins: bigint;
}

const FIND_MAPPED_SQL = `
SELECT l.source, l.legacy_id, coalesce(u.merged_into, u.id)::text AS user_id
FROM legacy_ids l JOIN unified_users u ON u.id = l.user_id
WHERE (l.source, l.legacy_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`;

const FIND_OWNERS_SQL = `
SELECT id::text AS id, telegram_id::text AS telegram_id, discord_id, lower(website_email) AS email
FROM unified_users
WHERE merged_into IS NULL
  AND (telegram_id = ANY($1::bigint[]) OR discord_id = ANY($2::text[]) OR lower(website_email) = ANY($3::text[])
       OR id = ANY($4::bigint[]))`;

const RANK_OF = (xp: string) => `(SELECT id FROM ranks WHERE min_xp <= ${xp} ORDER BY min_xp DESC LIMIT 1)`;

/** $1.. arrays, one element per new account; rank and achievements decided from its totals as it is inserted. */
const CREATE_ACCOUNTS_SQL = `
INSERT INTO unified_users (telegram_id, discord_id, website_email, username, display_name, xp, coins, rank_id, achievements,
  games_played, games_won, messages_sent, total_voice_time, daily_streak, last_daily_claim, primary_platform, created_at)
SELECT x.telegram_id, x.discord_id, x.email, x.username, x.display_name, x.xp, x.coins, ${RANK_OF('x.xp')}, ach.keys,
  x.games_played, x.games_won, x.messages_sent, x.voice, x.streak, x.last_daily, x.primary_platform, coalesce(x.created_at, now())
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::int[], $9::int[],
  $10::bigint[], $11::bigint[], $12::int[], $13::date[], $14::text[], $15::timestamptz[])
  AS x(telegram_id, discord_id, email, username, display_name, xp, coins, games_played, games_won, messages_sent, voice,
       streak, last_daily, primary_platform, created_at)
${unlockedAchievementsSql(
  {
    games_played: 'x.games_played',
    games_won: 'x.games_won',
    messages_sent: 'x.messages_sent',
    total_voice_time: 'x.voice',
    daily_streak: 'x.streak',
    linked_platforms:
      '((x.telegram_id IS NOT NULL)::int + (x.discord_id IS NOT NULL)::int + (x.email IS NOT NULL)::int)',
  },
  'x.xp',
  `'[]'::jsonb`,
)}
RETURNING id::text AS id, telegram_id::text AS telegram_id, discord_id, lower(website_email) AS email,
  xp::text AS xp, coins::text AS coins, rank_id`;

/** The merge rules of ABSORB_TOTALS_SQL, for progress that has no account of its own yet. $16 today. */
const MERGE_INTO_ACCOUNTS_SQL = `
UPDATE unified_users s SET
  telegram_id = coalesce(s.telegram_id, a.telegram_id),
  discord_id = coalesce(s.discord_id, a.discord_id),
  website_email = coalesce(s.website_email, a.email),
  xp = s.xp + a.xp,
  coins = s.coins + a.coins,
  games_played = s.games_played + a.games_played,
  games_won = s.games_won + a.games_won,
  messages_sent = s.messages_sent + a.messages_sent,
  total_voice_time = s.total_voice_time + a.voice,
  daily_streak = GREATEST(
    CASE WHEN s.last_daily_claim >= $16::date - 1 THEN s.daily_streak ELSE 0 END,
    CASE WHEN a.last_daily >= $16::date - 1 THEN a.streak ELSE 0 END),
  last_daily_claim = GREATEST(s.last_daily_claim, a.last_daily),
  username = coalesce(s.username, a.username),
  display_name = coalesce(s.display_name, a.display_name),
  created_at = LEAST(s.created_at, coalesce(a.created_at, s.created_at)),
  updated_at = now()
FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[],
  $9::int[], $10::int[], $11::bigint[], $12::bigint[], $13::int[], $14::date[], $15::timestamptz[])
  AS a(id, telegram_id, discord_id, email, username, display_name, xp, coins, games_played, games_won, messages_sent,
       voice, streak, last_daily, created_at)
WHERE s.id = a.id AND s.merged_into IS NULL
  AND (s.telegram_id IS NULL OR a.telegram_id IS NULL OR s.telegram_id = a.telegram_id)
  AND (s.discord_id IS NULL OR a.discord_id IS NULL OR s.discord_id = a.discord_id)
  AND (s.website_email IS NULL OR a.email IS NULL OR lower(s.website_email) = a.email)`;

/** Rank from XP, and the achievements the totals qualify for, on the given accounts. */
const RECOMPUTE_SQL = `
WITH t AS (
  SELECT u.id, ${RANK_OF('u.xp')} AS rank_id, ach.keys
  FROM unified_users u
  ${unlockedAchievementsSql(
    {
      games_played: 'u.games_played',
      games_won: 'u.games_won',
      messages_sent: 'u.messages_sent',
      total_voice_time: 'u.total_voice_time',
      daily_streak: 'u.daily_streak',
      linked_platforms: 'jsonb_array_length(u.platforms)',
    },
    'u.xp',
    'u.achievements',
  )}
  WHERE u.id = ANY($1::bigint[])
)
UPDATE unified_users u SET rank_id = t.rank_id, achievements = u.achievements || t.keys
FROM t WHERE u.id = t.id
RETURNING u.id::text AS id, u.xp::text AS xp, u.coins::text AS coins, u.rank_id`;

/**
 * Delivered already (processed, at the transaction's time): the import's events are history.
 * No dedupe key: the legacy-id map is what keeps a row from being carried twice. Rows go in
 * with COPY, in the order given.
 */
const APPEND_HISTORY_COPY_SQL =
  'COPY cross_platform_events (user_id, event_type, source_platform, data, processed, processed_at) FROM STDIN';

const MAP_ROWS_COPY_SQL = 'COPY legacy_ids (source, legacy_id, user_id) FROM STDIN';

/** A password already set on the unified website wins over the legacy one. */
const CARRY_PASSWORDS_SQL = `
INSERT INTO website_credentials (user_id, password_hash)
SELECT * FROM unnest($1::bigint[], $2::text[])
ON CONFLICT (user_id) DO NOTHING`;

const PROPOSE_SQL = `
INSERT INTO legacy_link_proposals (telegram_id, claimant_platform, claimant_identity, user_id)
SELECT p.telegram_id, p.platform, p.identity, p.user_id
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[]) AS p(telegram_id, platform, identity, user_id)
WHERE NOT EXISTS (SELECT 1 FROM unified_users u WHERE u.telegram_id = p.telegram_id AND u.id = p.user_id)
ON CONFLICT DO NOTHING`;

const TOTALS_SQL = `
SELECT coalesce(sum((data->>'xp_delta')::bigint), 0)::text AS xp, coalesce(sum((data->>'coins_delta')::bigint), 0)::text AS coins
FROM cross_platform_events WHERE event_type = 'xp_change' AND data->>'reason' = 'legacy_import'`;

export const LEGACY_IMPORT_REASON = 'legacy_import';

/** The accounts a batch was planned against changed meanwhile; rolling back and running it again is safe. */
export class LegacyBatchStaleError extends Error {
  readonly code = '40001';
  constructor() {
    super('An account changed while a legacy batch was written; the batch is planned again');
    this.name = 'LegacyBatchStaleError';
  }
}

interface Owner {
  id: string;
  telegram_id: string | null;
  discord_id: string | null;
  email: string | null;
}

interface After {
  id: string;
  xp: string;
  coins: string;
  rank_id: number;
}

interface Totals {
  xp: bigint;
  coins: bigint;
  gamesPlayed: number;
  gamesWon: number;
  messagesSent: bigint;
  voice: bigint;
  streak: number;
  lastDaily: string | null;
  createdAt: Date | null;
  username: string | null;
  displayName: string | null;
  primary: Platform;
}

/** The person's rows folded by the merge rules (the rows come earliest-created first). */
function fold(rows: LegacyProgress[], today: string): Totals {
  const yesterday = utcDay(new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000));
  const t: Totals = {
    xp: 0n,
    coins: 0n,
    gamesPlayed: 0,
    gamesWon: 0,
    messagesSent: 0n,
    voice: 0n,
    streak: 0,
    lastDaily: null,
    createdAt: null,
    username: null,
    displayName: null,
    primary: rows[0]!.source,
  };
  for (const r of rows) {
    t.xp += r.xp;
    t.coins += r.coins;
    t.gamesPlayed += r.gamesPlayed;
    t.gamesWon += r.gamesWon;
    t.messagesSent += r.messagesSent;
    t.voice += r.voiceSeconds;
    const live = r.lastDaily !== null && r.lastDaily >= yesterday ? r.dailyStreak : 0;
    t.streak = Math.max(t.streak, live);
    if (r.lastDaily !== null && (t.lastDaily === null || r.lastDaily > t.lastDaily)) t.lastDaily = r.lastDaily;
    if (r.createdAt && (t.createdAt === null || r.createdAt < t.createdAt)) t.createdAt = r.createdAt;
    t.username ??= r.username;
    t.displayName ??= r.displayName;
  }
  return t;
}

const refOf = (r: LegacyRowRef) => `${r.source}:${r.legacyId}`;

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One row in COPY's text format: tab-separated, \N for null, backslash and line breaks escaped. */
function copyLine(values: (string | number | bigint | boolean | null)[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let t: string;
    if (v === null || v === undefined) t = '\\N';
    else {
      t = String(v);
      if (/[\\\n\r\t]/.test(t)) t = t.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c]!);
    }
    line += i === 0 ? t : `\t${t}`;
  }
  return `${line}\n`;
}

/** Streams the lines into a COPY ... FROM STDIN statement. */
async function copyIn(client: PoolClient, sql: string, lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  await pipeline(Readable.from([Buffer.from(lines.join(''))]), client.query(copyFrom(sql)));
}

/**
 * Writes a batch of people in the caller's transaction. Deterministic for a given state
 * of the unified database, so a batch rolled back (a killed run) is redone identically.
 */
export async function importLegacyBatch(
  client: PoolClient,
  people: LegacyPerson[],
  options: { now: Date },
): Promise<LegacyBatchResult> {
  const today = utcDay(options.now);
  const result: LegacyBatchResult = {
    created: 0,
    mergedIntoExisting: 0,
    alreadyImported: 0,
    rowsCarried: { telegram: 0, discord: 0, website: 0 },
    passwordsCarried: 0,
    passwordsResetNeeded: 0,
    passwordsUnknownFormat: 0,
    proposals: 0,
    conflicts: [],
    xp: 0n,
    coins: 0n,
  };
  if (people.length === 0) return result;

  const allRows = people.flatMap((p) => p.rows);
  const mapped = new Map<string, string>();
  {
    const { rows } = await client.query<{ source: string; legacy_id: string; user_id: string }>(FIND_MAPPED_SQL, [
      allRows.map((r) => r.source),
      allRows.map((r) => r.legacyId),
    ]);
    for (const r of rows) mapped.set(`${r.source}:${r.legacy_id}`, r.user_id);
  }
  const owners = {
    telegram: new Map<string, Owner>(),
    discord: new Map<string, Owner>(),
    website: new Map<string, Owner>(),
  };
  const byId = new Map<string, Owner>();
  {
    const { rows } = await client.query<Owner>(FIND_OWNERS_SQL, [
      people.flatMap((p) => (p.telegramId ? [p.telegramId] : [])),
      people.flatMap((p) => (p.discordId ? [p.discordId] : [])),
      people.flatMap((p) => (p.email ? [p.email] : [])),
      [...new Set(mapped.values())],
    ]);
    for (const o of rows) {
      byId.set(o.id, o);
      if (o.telegram_id) owners.telegram.set(o.telegram_id, o);
      if (o.discord_id) owners.discord.set(o.discord_id, o);
      if (o.email) owners.website.set(o.email, o);
    }
  }

  type Planned = { person: LegacyPerson; carry: LegacyProgress[]; totals: Totals; userId: string | null };
  const toCreate: Planned[] = [];
  const toMerge: Planned[] = [];
  // The columns CREATE_ACCOUNTS_SQL and MERGE_INTO_ACCOUNTS_SQL share, in their order.
  const accountColumns = (planned: Planned[]) =>
    [
      (p: Planned) => p.person.telegramId,
      (p: Planned) => p.person.discordId,
      (p: Planned) => p.person.email,
      (p: Planned) => p.totals.username,
      (p: Planned) => p.totals.displayName,
      (p: Planned) => p.totals.xp.toString(),
      (p: Planned) => p.totals.coins.toString(),
      (p: Planned) => p.totals.gamesPlayed,
      (p: Planned) => p.totals.gamesWon,
      (p: Planned) => p.totals.messagesSent.toString(),
      (p: Planned) => p.totals.voice.toString(),
      (p: Planned) => p.totals.streak,
      (p: Planned) => p.totals.lastDaily,
    ].map((column: (p: Planned) => unknown) => planned.map(column));
  for (const person of people) {
    const carry = person.rows.filter((r) => !mapped.has(refOf(r)));
    if (carry.length === 0) {
      result.alreadyImported++;
      continue;
    }
    const pointers: LegacyPersonConflict['accounts'] = [];
    for (const r of person.rows) {
      const id = mapped.get(refOf(r));
      if (id) pointers.push({ userId: id, platform: 'legacy_id', identity: refOf(r) });
    }
    const identities: [Platform, string | null][] = [
      ['telegram', person.telegramId],
      ['discord', person.discordId],
      ['website', person.email],
    ];
    for (const [platform, id] of identities) {
      const owner = id ? owners[platform].get(id) : undefined;
      if (owner) pointers.push({ userId: owner.id, platform, identity: id! });
    }
    const targets = [...new Set(pointers.map((p) => p.userId))];
    const conflict = (reason: LegacyConflictReason) =>
      result.conflicts.push({
        reason,
        rows: carry.map((r) => ({ source: r.source, legacyId: r.legacyId })),
        accounts: pointers,
      });
    if (targets.length > 1) {
      conflict('ids_on_two_accounts');
      continue;
    }
    const totals = fold(carry, today);
    if (targets.length === 0) {
      toCreate.push({ person, carry, totals, userId: null });
      continue;
    }
    const target = byId.get(targets[0]!) ?? null;
    // An unverified e-mail proves nothing: it never joins an account the import did not make for this person.
    const viaMap = pointers.some((p) => p.platform === 'legacy_id');
    if (!person.emailVerified && !viaMap && pointers.some((p) => p.platform === 'website')) {
      conflict('unverified_email_taken');
      continue;
    }
    if (target) {
      const taken =
        (person.telegramId && target.telegram_id && target.telegram_id !== person.telegramId) ||
        (person.discordId && target.discord_id && target.discord_id !== person.discordId) ||
        (person.email && target.email && target.email !== person.email);
      if (taken) {
        conflict('platform_taken');
        continue;
      }
    }
    toMerge.push({ person, carry, totals, userId: targets[0]! });
  }

  const afterOf = new Map<string, After>();
  if (toCreate.length > 0) {
    const { rows } = await client.query<Owner & After>(CREATE_ACCOUNTS_SQL, [
      ...accountColumns(toCreate),
      toCreate.map((p) => p.totals.primary),
      toCreate.map((p) => p.totals.createdAt),
    ]);
    const created = {
      telegram: new Map<string, string>(),
      discord: new Map<string, string>(),
      website: new Map<string, string>(),
    };
    for (const o of rows) {
      afterOf.set(o.id, o);
      if (o.telegram_id) created.telegram.set(o.telegram_id, o.id);
      if (o.discord_id) created.discord.set(o.discord_id, o.id);
      if (o.email) created.website.set(o.email, o.id);
    }
    for (const p of toCreate) {
      const { telegramId, discordId, email } = p.person;
      p.userId =
        (telegramId && created.telegram.get(telegramId)) ||
        (discordId && created.discord.get(discordId)) ||
        (email && created.website.get(email)) ||
        null;
      if (!p.userId)
        throw new Error(`An account created for legacy rows ${p.carry.map(refOf).join(', ')} was not returned`);
    }
    result.created = toCreate.length;
  }

  if (toMerge.length > 0) {
    const { rowCount } = await client.query(MERGE_INTO_ACCOUNTS_SQL, [
      toMerge.map((p) => p.userId),
      ...accountColumns(toMerge),
      toMerge.map((p) => p.totals.createdAt),
      today,
    ]);
    // An account changed since it was read (merged, or given an id on one of the platforms): plan the batch again.
    if (rowCount !== toMerge.length) throw new LegacyBatchStaleError();
    result.mergedIntoExisting = toMerge.length;
  }

  if (toMerge.length > 0) {
    const { rows } = await client.query<After>(RECOMPUTE_SQL, [toMerge.map((p) => p.userId)]);
    for (const a of rows) afterOf.set(a.id, a);
  }
  const written = [...toCreate, ...toMerge];
  if (written.length === 0) return result;

  const { rows: clock } = await client.query<{ now: string }>('SELECT now()::text AS now');
  const at = clock[0]!.now;
  const events: string[] = [];
  for (const p of toCreate) {
    const data = { platform: p.totals.primary, username: p.totals.username };
    events.push(copyLine([p.userId, 'user_registered', 'system', JSON.stringify(data), true, at]));
  }
  for (const p of written) {
    for (const r of p.carry) result.rowsCarried[r.source]++;
    result.xp += p.totals.xp;
    result.coins += p.totals.coins;
    if (p.totals.xp === 0n && p.totals.coins === 0n) continue;
    const a = afterOf.get(p.userId!)!;
    const data = {
      xp_delta: Number(p.totals.xp),
      coins_delta: Number(p.totals.coins),
      reason: LEGACY_IMPORT_REASON,
      xp: Number(a.xp),
      coins: Number(a.coins),
      rank_id: a.rank_id,
    };
    events.push(copyLine([p.userId, 'xp_change', 'system', JSON.stringify(data), true, at]));
  }
  await copyIn(client, APPEND_HISTORY_COPY_SQL, events);

  const mapLines: string[] = [];
  for (const p of written) for (const r of p.carry) mapLines.push(copyLine([r.source, r.legacyId, p.userId]));
  await copyIn(client, MAP_ROWS_COPY_SQL, mapLines);

  const withPassword = written.filter((p) => p.carry.some((r) => r.source === 'website'));
  if (withPassword.length > 0) {
    await client.query(CARRY_PASSWORDS_SQL, [
      withPassword.map((p) => p.userId),
      withPassword.map((p) => p.person.passwordHash),
    ]);
    for (const p of withPassword) {
      if (p.person.passwordHash !== null) result.passwordsCarried++;
      if (p.person.passwordResetNeeded) result.passwordsResetNeeded++;
      if (p.person.passwordUnknownFormat) result.passwordsUnknownFormat++;
    }
  }

  const proposals = written.flatMap((p) => p.person.proposals.map((x) => ({ ...x, userId: p.userId! })));
  if (proposals.length > 0) {
    const { rowCount } = await client.query(PROPOSE_SQL, [
      proposals.map((x) => x.telegramId),
      proposals.map((x) => x.claimantPlatform),
      proposals.map((x) => x.claimantIdentity),
      proposals.map((x) => x.userId),
    ]);
    result.proposals = rowCount ?? 0;
  }
  return result;
}

/** XP and coins the import has carried into the unified database, over every run. */
export async function legacyImportTotals(db: Pool | PoolClient): Promise<{ xp: bigint; coins: bigint }> {
  const { rows } = await db.query<{ xp: string; coins: string }>(TOTALS_SQL);
  return { xp: BigInt(rows[0]!.xp), coins: BigInt(rows[0]!.coins) };
}
