import type { Pool } from 'pg';
import { ENSURE_DISCORD_USERS_SQL, MESSAGE_BATCH_SQL } from './message-batch.sql';

/** One member's messages in a flush (the profile is used when the member is new). */
export interface MemberMessages {
  discordId: string;
  username: string | null;
  displayName: string | null;
  messages: { id: string; channelId: string }[];
}

export interface MessageBatchOptions {
  cooldownSeconds: number;
  /** Each cooldown window earns a random whole amount in [xpMin, xpMax]. */
  xpMin: number;
  xpMax: number;
}

export interface MessageBatchResult {
  /** Messages added to `messages_sent` (redelivered ones left out). */
  counted: number;
  /** Cooldown windows opened, each with one XP award. */
  windows: number;
  xp: number;
  events: number;
  created: number;
}

/** The cooldown shared by every bot replica, in `activity_cooldowns`. */
export const MESSAGE_XP_ACTIVITY = 'discord_message_xp';

const UNIQUE_VIOLATION = '23505';

/**
 * Counts a flush of Discord messages in one statement (plus one that creates the accounts
 * of members seen for the first time). Safe to run again with the same messages: those
 * already counted are skipped. `known` holds ids whose account is known to exist; the
 * function keeps it current.
 */
export async function recordMessageBatch(
  pool: Pool,
  batch: MemberMessages[],
  options: MessageBatchOptions,
  known: Set<string> = new Set(),
): Promise<MessageBatchResult> {
  const total: MessageBatchResult = { counted: 0, windows: 0, xp: 0, events: 0, created: 0 };
  let pending = batch;
  for (let attempt = 0; pending.length > 0; attempt++) {
    const unknown = pending.filter((m) => !known.has(m.discordId));
    if (unknown.length > 0) {
      const { rows } = await pool.query<{ created: number }>({
        name: 'ensure-discord-users',
        text: ENSURE_DISCORD_USERS_SQL,
        values: [unknown.map((m) => m.discordId), unknown.map((m) => m.username), unknown.map((m) => m.displayName)],
      });
      total.created += rows[0]!.created;
    }
    let row: { found: string[]; counted: string; xp: string; windows: string; events: string };
    try {
      ({
        rows: [row],
      } = await pool.query({
        name: 'record-discord-messages',
        text: MESSAGE_BATCH_SQL,
        values: [
          pending.map((m) => m.discordId),
          options.xpMin,
          options.xpMax,
          pending.flatMap((m) => m.messages.map(() => m.discordId)),
          pending.flatMap((m) => m.messages.map((x) => x.channelId)),
          pending.flatMap((m) => m.messages.map((x) => x.id)),
          options.cooldownSeconds,
          MESSAGE_XP_ACTIVITY,
          'message',
        ],
      }));
    } catch (err) {
      // Another replica counted one of these messages at the same moment; the retry skips it.
      if ((err as { code?: string }).code === UNIQUE_VIOLATION && attempt < 3) continue;
      throw err;
    }
    total.counted += Number(row.counted);
    total.windows += Number(row.windows);
    total.xp += Number(row.xp);
    total.events += Number(row.events);
    const found = new Set(row.found);
    for (const id of found) known.add(id);
    // A member whose account was not found (new, or its Discord id just moved in a merge)
    // is created or looked up again on the next round.
    const missing = pending.filter((m) => !found.has(m.discordId));
    for (const m of missing) known.delete(m.discordId);
    if (missing.length > 0 && attempt >= 3) {
      throw new Error(`Could not find or create the Discord players ${missing.map((m) => m.discordId).join(', ')}`);
    }
    pending = missing;
  }
  return total;
}
