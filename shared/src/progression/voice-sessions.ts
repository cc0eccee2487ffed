import type { Pool } from 'pg';
import type { Progression, ProgressResult } from './progression';

/**
 * A member's time in voice on one guild, from joining any voice channel until leaving
 * voice. `voiceMs` is the time accounted so far (up to `accountedUntil`); `earningMs` the
 * part of it that earns XP; `earning` whether the time after `accountedUntil` earns.
 */
export interface VoiceSession {
  guildId: string;
  discordId: string;
  sessionId: string;
  channelId: string;
  startedAt: Date;
  accountedUntil: Date;
  voiceMs: number;
  earningMs: number;
  earning: boolean;
}

interface VoiceSessionRow {
  guild_id: string;
  discord_id: string;
  session_id: string;
  channel_id: string;
  started_at: Date;
  accounted_until: Date;
  voice_ms: string;
  earning_ms: string;
  earning: boolean;
}

/**
 * The sessions left open on a guild (by a crash, a restart, or still running). A session
 * already credited (a crash between crediting and forgetting it) is forgotten here, so a
 * member still in voice starts a new session rather than adding to one that pays nothing.
 */
export async function loadVoiceSessions(pool: Pool, guildId: string): Promise<VoiceSession[]> {
  const { rows } = await pool.query<VoiceSessionRow>(
    `WITH credited AS (
       DELETE FROM discord_voice_sessions s
       WHERE s.guild_id = $1
         AND EXISTS (SELECT 1 FROM cross_platform_events e WHERE e.dedupe_key = 'discord:voice:' || s.session_id)
       RETURNING s.session_id
     )
     SELECT guild_id, discord_id, session_id, channel_id, started_at, accounted_until, voice_ms, earning_ms, earning
     FROM discord_voice_sessions
     WHERE guild_id = $1 AND session_id NOT IN (SELECT session_id FROM credited)
     ORDER BY started_at, discord_id`,
    [guildId],
  );
  return rows.map((r) => ({
    guildId: r.guild_id,
    discordId: r.discord_id,
    sessionId: r.session_id,
    channelId: r.channel_id,
    startedAt: r.started_at,
    accountedUntil: r.accounted_until,
    voiceMs: Number(r.voice_ms),
    earningMs: Number(r.earning_ms),
    earning: r.earning,
  }));
}

/** Opens or updates sessions (one statement for all of them). */
export async function saveVoiceSessions(pool: Pool, sessions: VoiceSession[]): Promise<void> {
  if (sessions.length === 0) return;
  await pool.query({
    name: 'save-voice-sessions',
    text: `INSERT INTO discord_voice_sessions AS s
             (guild_id, discord_id, session_id, channel_id, started_at, accounted_until, voice_ms, earning_ms, earning)
           SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::timestamptz[], $6::timestamptz[],
                                $7::bigint[], $8::bigint[], $9::boolean[])
           ON CONFLICT (guild_id, discord_id) DO UPDATE SET
             channel_id = EXCLUDED.channel_id, accounted_until = EXCLUDED.accounted_until,
             voice_ms = EXCLUDED.voice_ms, earning_ms = EXCLUDED.earning_ms, earning = EXCLUDED.earning
           WHERE s.session_id = EXCLUDED.session_id`,
    values: [
      sessions.map((s) => s.guildId),
      sessions.map((s) => s.discordId),
      sessions.map((s) => s.sessionId),
      sessions.map((s) => s.channelId),
      sessions.map((s) => s.startedAt),
      sessions.map((s) => s.accountedUntil),
      sessions.map((s) => s.voiceMs),
      sessions.map((s) => s.earningMs),
      sessions.map((s) => s.earning),
    ],
  });
}

/** Seconds and XP a session earns when it closes: XP for each full minute of earning time. */
export function voiceSessionReward(session: VoiceSession, xpPerMinute: number): { seconds: number; xp: number } {
  return {
    seconds: Math.floor(session.voiceMs / 1000),
    xp: Math.floor(session.earningMs / 60_000) * xpPerMinute,
  };
}

/**
 * Credits a finished session (its seconds, its XP and one `voice_session` event, keyed
 * `discord:voice:<session id>`) and forgets it. Crashing between the two is harmless: the
 * next start forgets the credited session (loadVoiceSessions), and the key would make a
 * second credit a no-op.
 */
export async function closeVoiceSession(
  pool: Pool,
  progression: Progression,
  session: VoiceSession,
  xpPerMinute: number,
): Promise<ProgressResult> {
  const { seconds, xp } = voiceSessionReward(session, xpPerMinute);
  const result = await progression.award({
    player: { platform: 'discord', id: session.discordId },
    xp,
    stats: { total_voice_time: seconds },
    reason: 'voice',
    source: 'discord',
    dedupeKey: `discord:voice:${session.sessionId}`,
    activity: { type: 'voice_session', data: { seconds } },
  });
  await pool.query(`DELETE FROM discord_voice_sessions WHERE session_id = $1`, [session.sessionId]);
  return result;
}
