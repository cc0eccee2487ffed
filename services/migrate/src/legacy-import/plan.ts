/**
 * From legacy rows to people: normalising every row, joining rows by exact ids and
 * verified links, and setting aside what cannot be decided without guessing.
 *
 * - Ids: Telegram and Discord ids are digits (whitespace and leading zeros dropped); an
 *   e-mail is trimmed and case-folded. A row without a usable id is skipped, and so is
 *   one whose id another row of its table also has (both sides named as a conflict).
 * - Joined: a website account and the Discord member its OAuth id names. With
 *   `trustLegacyLinks`, also a Discord member or website account and the Telegram id it
 *   typed in; otherwise that typed id becomes a proposal the Telegram player confirms.
 * - Never joined: two claims on one id. Two website accounts naming one Discord id, or
 *   two people typing one Telegram id, are conflicts; the rows are imported unlinked.
 */
import type { LegacyPerson, LegacyProgress, LegacyProposal } from '@ttfd/shared';
import type { LegacySourceName } from './mapping';
import type { RawRow } from './sources';

export type SkipReason =
  | 'invalid_telegram_id'
  | 'invalid_discord_id'
  | 'invalid_email'
  | 'negative_counter'
  | 'games_won_exceeds_games_played'
  | 'duplicate_id'
  | 'duplicate_email';

export interface Conflict {
  kind:
    | 'duplicate_id'
    | 'duplicate_email'
    | 'discord_id_claimed_twice'
    | 'telegram_id_claimed_twice'
    | 'trusted_link_would_join_two_ids'
    | 'ids_on_two_accounts'
    | 'platform_taken'
    | 'unverified_email_taken';
  /** The identity both sides claim. */
  identity: string;
  /** Each side: a legacy row (source:id) or an existing unified account (account:id). */
  sides: string[];
}

export interface SourceTally {
  rows: number;
  skipped: Partial<Record<SkipReason, number>>;
  xp: bigint;
  coins: bigint;
  skippedXp: bigint;
  skippedCoins: bigint;
}

export interface Plan {
  people: LegacyPerson[];
  sources: Record<LegacySourceName, SourceTally>;
  conflicts: Conflict[];
  /** Joins made while planning, by kind. */
  links: { discord_oauth: number; trusted_telegram_claim: number };
}

const DIGITS = /^[0-9]+$/;
const MAX_BIGINT = 9223372036854775807n;
const EMAIL = /^[^@\s]+@[^@\s]+$/;

function normaliseNumericId(value: string | boolean | null, maxDigits: number): string | null {
  if (typeof value !== 'string') return null;
  const t = value.trim();
  if (!DIGITS.test(t)) return null;
  const stripped = t.replace(/^0+/, '');
  if (stripped === '' || stripped.length > maxDigits) return null;
  return BigInt(stripped) <= MAX_BIGINT ? stripped : null;
}

export const telegramIdOf = (v: string | boolean | null) => normaliseNumericId(v, 19);
export const discordIdOf = (v: string | boolean | null) => normaliseNumericId(v, 20);

export function emailOf(value: string | boolean | null): string | null {
  if (typeof value !== 'string') return null;
  const t = value.trim().toLowerCase();
  return EMAIL.test(t) ? t : null;
}

function nameOf(value: string | boolean | null): string | null {
  if (typeof value !== 'string') return null;
  const t = value.normalize('NFC').trim();
  return t === '' ? null : t;
}

const PLAIN_COUNTER = /^[0-9]+$/;

/** A counter: null is 0; a fraction or a negative number is not a counter. */
function counterOf(value: string | boolean | null): bigint | null {
  if (value === null) return 0n;
  if (typeof value !== 'string') return null;
  if (PLAIN_COUNTER.test(value)) return BigInt(value);
  if (!/^-?[0-9]+(\.0+)?$/.test(value.trim())) return null;
  const n = BigInt(value.trim().replace(/\.0+$/, ''));
  return n < 0n ? null : n;
}

interface Row {
  source: LegacySourceName;
  key: string;
  progress: LegacyProgress;
  telegramId: string | null;
  discordId: string | null;
  email: string | null;
  emailVerified: boolean;
  passwordHash: string | null;
  /** A stored hash in a format no login can check. */
  passwordUnknown: boolean;
  /** A Telegram id the row typed in (Discord and website rows). */
  typedTelegramId: string | null;
  createdAt: number;
}

function emptyTally(): SourceTally {
  return { rows: 0, skipped: {}, xp: 0n, coins: 0n, skippedXp: 0n, skippedCoins: 0n };
}

/** Normalises one raw row; a string is the reason it is skipped. */
function normalise(source: LegacySourceName, raw: RawRow, passwordFormatOk: (h: string) => boolean): Row | SkipReason {
  const xp = counterOf(raw.xp ?? null);
  const coins = counterOf(raw.coins ?? null);
  const gamesPlayed = counterOf(raw.games_played ?? null);
  const gamesWon = counterOf(raw.games_won ?? null);
  const messages = counterOf(raw.messages ?? null);
  const voice = counterOf(raw.voice_seconds ?? null);
  const streak = counterOf(raw.daily_streak ?? null);
  if (
    xp === null ||
    coins === null ||
    gamesPlayed === null ||
    gamesWon === null ||
    messages === null ||
    voice === null ||
    streak === null
  )
    return 'negative_counter';
  if (gamesWon > gamesPlayed) return 'games_won_exceeds_games_played';
  const created = typeof raw.created_at === 'string' ? new Date(raw.created_at) : null;
  const createdAt = created && !Number.isNaN(+created) ? created : null;

  let key: string;
  let telegramId: string | null = null;
  let discordId: string | null = null;
  let email: string | null = null;
  let emailVerified = false;
  let passwordHash: string | null = null;
  let passwordUnknown = false;
  let typedTelegramId: string | null = null;
  let username: string | null;
  let displayName: string | null;
  if (source === 'telegram') {
    telegramId = telegramIdOf(raw.user_id ?? null);
    if (!telegramId) return 'invalid_telegram_id';
    key = String(raw.user_id);
    username = nameOf(raw.username ?? null)?.replace(/^@/, '') ?? null;
    displayName = nameOf(raw.first_name ?? null);
  } else if (source === 'discord') {
    discordId = discordIdOf(raw.discord_id ?? null);
    if (!discordId) return 'invalid_discord_id';
    key = String(raw.discord_id);
    typedTelegramId = telegramIdOf(raw.telegram_id ?? null);
    username = displayName = nameOf(raw.username ?? null);
  } else {
    email = emailOf(raw.email ?? null);
    if (!email) return 'invalid_email';
    key = String(raw.id);
    const hash = typeof raw.password_hash === 'string' ? raw.password_hash.trim() : null;
    const usable = !!hash && passwordFormatOk(hash);
    discordId = raw.discord_id === null || raw.discord_id === undefined ? null : discordIdOf(raw.discord_id);
    emailVerified = raw.email_verified === true;
    passwordHash = usable ? hash : null;
    passwordUnknown = !!hash && !usable;
    typedTelegramId = telegramIdOf(raw.telegram_id ?? null);
    username = displayName = nameOf(raw.username ?? null);
  }
  return {
    source,
    key,
    telegramId,
    discordId,
    email,
    emailVerified,
    passwordHash,
    passwordUnknown,
    typedTelegramId,
    progress: {
      source,
      legacyId: key,
      xp,
      coins,
      gamesPlayed: Number(gamesPlayed),
      gamesWon: Number(gamesWon),
      messagesSent: messages,
      voiceSeconds: voice,
      dailyStreak: Number(streak),
      lastDaily: typeof raw.last_daily === 'string' ? raw.last_daily : null,
      createdAt,
      username,
      displayName,
    },
    createdAt: createdAt ? +createdAt : Number.MAX_SAFE_INTEGER,
  };
}

/** Union-find over row indexes. */
class Groups {
  private parent: number[] = [];
  add(): number {
    this.parent.push(this.parent.length);
    return this.parent.length - 1;
  }
  find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]!]!;
      i = this.parent[i]!;
    }
    return i;
  }
  join(a: number, b: number): void {
    const [x, y] = [this.find(a), this.find(b)];
    if (x !== y) this.parent[Math.max(x, y)] = Math.min(x, y);
  }
}

export interface PlanInput {
  rows: Partial<Record<LegacySourceName, RawRow[]>>;
  trustLegacyLinks: boolean;
  /** Whether a stored password hash is in a format a login can verify. */
  passwordFormatOk: (hash: string) => boolean;
}

const ref = (r: Row) => `${r.source}:${r.key}`;

export function planImport(input: PlanInput): Plan {
  const sources = { telegram: emptyTally(), discord: emptyTally(), website: emptyTally() };
  const conflicts: Conflict[] = [];
  const links = { discord_oauth: 0, trusted_telegram_claim: 0 };
  const rows: Row[] = [];
  const skip = (source: LegacySourceName, reason: SkipReason, xp: bigint, coins: bigint) => {
    const t = sources[source];
    t.skipped[reason] = (t.skipped[reason] ?? 0) + 1;
    t.skippedXp += xp;
    t.skippedCoins += coins;
  };

  for (const source of ['telegram', 'discord', 'website'] as const) {
    const tally = sources[source];
    const kept: Row[] = [];
    for (const raw of input.rows[source] ?? []) {
      tally.rows++;
      const xp = counterOf(raw.xp ?? null) ?? 0n;
      const coins = counterOf(raw.coins ?? null) ?? 0n;
      tally.xp += xp;
      tally.coins += coins;
      const row = normalise(source, raw, input.passwordFormatOk);
      if (typeof row === 'string') skip(source, row, xp, coins);
      else kept.push(row);
    }
    // One id (or e-mail) on two rows of one table: neither is imported, both are named.
    const identityOf = (r: Row) => r.email ?? r.telegramId ?? r.discordId!;
    const byIdentity = new Map<string, Row[]>();
    for (const r of kept) {
      const same = byIdentity.get(identityOf(r));
      if (same) same.push(r);
      else byIdentity.set(identityOf(r), [r]);
    }
    for (const [identity, same] of byIdentity) {
      if (same.length === 1) {
        rows.push(same[0]!);
        continue;
      }
      const reason = source === 'website' ? 'duplicate_email' : 'duplicate_id';
      const kind = source === 'website' ? 'email' : source;
      conflicts.push({ kind: reason, identity: `${kind}:${identity}`, sides: same.map(ref).sort() });
      for (const r of same) skip(source, reason, r.progress.xp, r.progress.coins);
    }
  }

  const groups = new Groups();
  rows.forEach(() => groups.add());
  const telegramRow = new Map<string, number>();
  const discordRow = new Map<string, number>();
  rows.forEach((r, i) => {
    if (r.source === 'telegram') telegramRow.set(r.telegramId!, i);
    if (r.source === 'discord') discordRow.set(r.discordId!, i);
  });

  // Verified: a website account and the Discord id its OAuth gave. Two accounts naming one id join neither.
  const oauthClaims = new Map<string, number[]>();
  rows.forEach((r, i) => {
    if (r.source === 'website' && r.discordId)
      oauthClaims.set(r.discordId, [...(oauthClaims.get(r.discordId) ?? []), i]);
  });
  const discordOf = new Map<number, string>();
  for (const [discordId, claimants] of oauthClaims) {
    if (claimants.length > 1) {
      const member = discordRow.get(discordId);
      conflicts.push({
        kind: 'discord_id_claimed_twice',
        identity: `discord:${discordId}`,
        sides: [...claimants.map((i) => ref(rows[i]!)), ...(member !== undefined ? [ref(rows[member]!)] : [])],
      });
      continue;
    }
    const w = claimants[0]!;
    discordOf.set(w, discordId);
    const member = discordRow.get(discordId);
    if (member !== undefined) {
      groups.join(w, member);
      links.discord_oauth++;
    }
  }

  // Typed-in Telegram ids: one claim per person; two people claiming one id is a conflict.
  const claims = new Map<string, Map<number, number[]>>();
  rows.forEach((r, i) => {
    if (!r.typedTelegramId) return;
    const byGroup = claims.get(r.typedTelegramId) ?? new Map<number, number[]>();
    const g = groups.find(i);
    byGroup.set(g, [...(byGroup.get(g) ?? []), i]);
    claims.set(r.typedTelegramId, byGroup);
  });
  const proposals = new Map<number, LegacyProposal[]>();
  const trusted: [number, number, string][] = [];
  for (const [telegramId, byGroup] of [...claims].sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : 1))) {
    const owner = telegramRow.get(telegramId);
    if (byGroup.size > 1) {
      conflicts.push({
        kind: 'telegram_id_claimed_twice',
        identity: `telegram:${telegramId}`,
        sides: [...byGroup.values()].flat().map((i) => ref(rows[i]!)),
      });
      continue;
    }
    const [claimGroup, claimants] = [...byGroup][0]!;
    if (owner !== undefined && groups.find(owner) === claimGroup) continue;
    if (input.trustLegacyLinks) {
      trusted.push([claimGroup, owner ?? -1, telegramId]);
      continue;
    }
    const list = proposals.get(claimGroup) ?? [];
    for (const i of claimants) {
      const r = rows[i]!;
      list.push({
        telegramId,
        claimantPlatform: r.source === 'discord' ? 'discord' : 'website',
        claimantIdentity: r.source === 'discord' ? r.discordId! : r.email!,
      });
    }
    proposals.set(claimGroup, list);
  }

  // Trusted claims join, unless the person would then hold two ids on one platform.
  const typedTelegram = new Map<number, string>();
  if (trusted.length > 0) {
    const membersOf = new Map<number, number[]>();
    rows.forEach((_, i) => {
      const g = groups.find(i);
      const members = membersOf.get(g);
      if (members) members.push(i);
      else membersOf.set(g, [i]);
    });
    for (const [claimGroup, owner, telegramId] of trusted) {
      const a = groups.find(claimGroup);
      const b = owner >= 0 ? groups.find(owner) : -1;
      const members = [...membersOf.get(a)!, ...(b >= 0 && b !== a ? membersOf.get(b)! : [])];
      const platformTwice = (['telegram', 'discord', 'website'] as const).some(
        (s) => members.filter((i) => rows[i]!.source === s).length > 1,
      );
      const typed = typedTelegram.get(a);
      const holdsOther = b < 0 && members.some((i) => rows[i]!.source === 'telegram');
      if (platformTwice || (typed !== undefined && typed !== telegramId) || holdsOther) {
        conflicts.push({
          kind: 'trusted_link_would_join_two_ids',
          identity: `telegram:${telegramId}`,
          sides: members.map((i) => ref(rows[i]!)),
        });
        continue;
      }
      if (b >= 0) {
        groups.join(a, b);
        const root = groups.find(a);
        membersOf.set(root, members);
      } else {
        typedTelegram.set(a, telegramId);
      }
      links.trusted_telegram_claim++;
    }
  }

  // People, in the order of their first row (Telegram rows first, then Discord, then website).
  const byGroup = new Map<number, number[]>();
  rows.forEach((_, i) => {
    const g = groups.find(i);
    const members = byGroup.get(g);
    if (members) members.push(i);
    else byGroup.set(g, [i]);
  });
  const people: LegacyPerson[] = [];
  for (const [g, members] of byGroup) {
    const mine = members.map((i) => rows[i]!);
    const website = mine.find((r) => r.source === 'website');
    const websiteIndex = members.find((i) => rows[i]!.source === 'website');
    const telegramId = mine.find((r) => r.source === 'telegram')?.telegramId ?? typedTelegram.get(g) ?? null;
    const discordId =
      mine.find((r) => r.source === 'discord')?.discordId ??
      (websiteIndex !== undefined ? (discordOf.get(websiteIndex) ?? null) : null);
    const ordered = [...mine].sort((x, y) => x.createdAt - y.createdAt);
    people.push({
      telegramId,
      discordId,
      email: website?.email ?? null,
      emailVerified: website?.emailVerified ?? false,
      rows: ordered.map((r) => r.progress),
      passwordHash: website?.passwordHash ?? null,
      passwordResetNeeded: website !== undefined && website.passwordHash === null,
      passwordUnknownFormat: website?.passwordUnknown ?? false,
      proposals: proposals.get(g) ?? [],
    });
  }
  return { people, sources, conflicts, links };
}
