import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import {
  closeVoiceSession,
  loadVoiceSessions,
  saveVoiceSessions,
  voiceSessionReward,
  type Logger,
  type Progression,
  type VoiceSession,
} from '@ttfd/shared';
import type { DiscordMetrics } from './metrics';

/** A member's voice state as the gateway reports it (bots are never passed in). */
export interface VoicePresence {
  discordId: string;
  /** Null: not in voice. */
  channelId: string | null;
  selfDeaf: boolean;
}

interface Occupant {
  selfDeaf: boolean;
  session: VoiceSession;
}

export interface VoiceTrackerDeps {
  pool: Pool;
  progression: Progression;
  log: Logger;
  metrics: DiscordMetrics;
  xpPerMinute: number;
  /** Unix ms; tests drive it. */
  now: () => number;
}

/**
 * Voice time on one guild. Each member in voice has one session from joining until
 * leaving (moves and mutes keep it); time is accounted up to each change, and earns XP
 * while the member is not self-deafened, not in the AFK channel and not alone with bots.
 * Every change is saved, and so is every session at each checkpoint, so a restart
 * continues the sessions (reconcile) and a session is credited exactly once when it ends.
 * All work runs in arrival order on one queue; the time of an event is taken when it
 * arrives.
 */
export function createVoiceTracker(guildId: string, deps: VoiceTrackerDeps) {
  const { pool, progression, log, metrics, xpPerMinute, now } = deps;
  const occupants = new Map<string, Occupant>();
  /** Sessions whose credit failed; tried again at each checkpoint. */
  let unclosed: VoiceSession[] = [];
  let afkChannelId: string | null = null;
  /** When the gateway connection dropped, until it resumes or a reconcile settles it. */
  let lostAt: Date | null = null;
  let queue: Promise<void> = Promise.resolve();

  function enqueue(what: string, work: () => Promise<void>): Promise<void> {
    queue = queue.then(work).catch((err: unknown) => {
      log.error({ err, guildId }, `voice: ${what} failed`);
      metrics.events.inc({ type: 'voice_state_update', outcome: 'error' });
    });
    return queue;
  }

  function accrue(o: Occupant, at: Date) {
    const ms = Math.max(0, at.getTime() - o.session.accountedUntil.getTime());
    o.session.voiceMs += ms;
    if (o.session.earning) o.session.earningMs += ms;
    if (at > o.session.accountedUntil) o.session.accountedUntil = at;
  }

  function inChannel(channelId: string): Occupant[] {
    return [...occupants.values()].filter((o) => o.session.channelId === channelId);
  }

  function earns(o: Occupant): boolean {
    if (o.selfDeaf || o.session.channelId === afkChannelId) return false;
    return inChannel(o.session.channelId).length >= 2;
  }

  async function close(sessions: VoiceSession[]) {
    for (const session of sessions) {
      try {
        await closeVoiceSession(pool, progression, session, xpPerMinute);
        metrics.voiceSeconds.inc(voiceSessionReward(session, xpPerMinute).seconds);
      } catch (err) {
        log.error({ err, sessionId: session.sessionId }, 'voice: could not credit a session; will retry');
        unclosed.push(session);
      }
    }
  }

  function open(p: VoicePresence & { channelId: string }, at: Date): Occupant {
    const occupant: Occupant = {
      selfDeaf: p.selfDeaf,
      session: {
        guildId,
        discordId: p.discordId,
        sessionId: randomUUID(),
        channelId: p.channelId,
        startedAt: at,
        accountedUntil: at,
        voiceMs: 0,
        earningMs: 0,
        earning: false,
      },
    };
    occupants.set(p.discordId, occupant);
    return occupant;
  }

  /** Recomputes who earns in `channels` and returns their sessions to save. */
  function settle(channels: Set<string>): VoiceSession[] {
    const touched = [...occupants.values()].filter((o) => channels.has(o.session.channelId));
    for (const o of touched) o.session.earning = earns(o);
    return touched.map((o) => ({ ...o.session }));
  }

  return {
    /** The gateway connection dropped: if it cannot resume, what follows is unknown. */
    connectionLost(): void {
      lostAt ??= new Date(now());
    },

    /** The session resumed: Discord replays what was missed, so nothing is unknown. */
    connectionResumed(): void {
      lostAt = null;
    },

    /**
     * At start-up and after each new gateway session (the voice changes in between were
     * not sent): continue the sessions of members still in voice from now, and close the
     * others at the last time the bot knew of them. The time the bot was away or cut off
     * is never counted.
     */
    reconcile(present: VoicePresence[], afkChannel: string | null): Promise<void> {
      const at = new Date(now());
      const knownUntil = lostAt ?? at;
      lostAt = null;
      return enqueue('reconcile', async () => {
        afkChannelId = afkChannel;
        const stored = await loadVoiceSessions(pool, guildId);
        const here = new Map(present.filter((p) => p.channelId !== null).map((p) => [p.discordId, p]));
        const ended: VoiceSession[] = [];
        for (const o of occupants.values()) {
          accrue(o, knownUntil);
          o.session.accountedUntil = at;
        }
        for (const session of stored) {
          const p = here.get(session.discordId);
          const live = occupants.get(session.discordId);
          if (live) {
            // A stored session older than the live one was left by a credit that failed.
            if (live.session.sessionId !== session.sessionId) ended.push(session);
            continue;
          }
          if (!p) {
            ended.push(session);
            continue;
          }
          occupants.set(session.discordId, {
            selfDeaf: p.selfDeaf,
            session: { ...session, channelId: p.channelId!, accountedUntil: at },
          });
        }
        for (const [discordId, o] of occupants) {
          const p = here.get(discordId);
          if (!p) {
            occupants.delete(discordId);
            ended.push(o.session);
          } else {
            o.selfDeaf = p.selfDeaf;
            o.session.channelId = p.channelId!;
          }
        }
        for (const p of here.values()) {
          if (!occupants.has(p.discordId)) open({ ...p, channelId: p.channelId! }, at);
        }
        await close(ended);
        const sessions = settle(new Set([...occupants.values()].map((o) => o.session.channelId)));
        await saveVoiceSessions(pool, sessions);
        log.info({ guildId, continued: occupants.size, closed: ended.length }, 'voice sessions reconciled');
      });
    },

    /** A member joined, moved, changed mute/deafen, or left (channelId null). */
    update(p: VoicePresence, afkChannel: string | null): Promise<void> {
      const at = new Date(now());
      return enqueue('update', async () => {
        afkChannelId = afkChannel;
        const before = occupants.get(p.discordId);
        const channels = new Set<string>();
        if (before) channels.add(before.session.channelId);
        if (p.channelId) channels.add(p.channelId);
        for (const o of occupants.values()) if (channels.has(o.session.channelId)) accrue(o, at);
        const ended: VoiceSession[] = [];
        if (p.channelId === null) {
          if (before) {
            occupants.delete(p.discordId);
            ended.push(before.session);
          }
        } else if (before) {
          before.selfDeaf = p.selfDeaf;
          before.session.channelId = p.channelId;
        } else {
          open({ ...p, channelId: p.channelId }, at);
        }
        const sessions = settle(channels);
        await saveVoiceSessions(pool, sessions);
        await close(ended);
        metrics.events.inc({ type: 'voice_state_update', outcome: 'counted' });
      });
    },

    /** Saves every open session up to now: what a crash loses is at most one interval. */
    checkpoint(): Promise<void> {
      const at = new Date(now());
      return enqueue('checkpoint', async () => {
        for (const o of occupants.values()) accrue(o, at);
        await saveVoiceSessions(
          pool,
          [...occupants.values()].map((o) => ({ ...o.session })),
        );
        const retry = unclosed;
        unclosed = [];
        await close(retry);
      });
    },

    /** Waits for the queued work (tests, shutdown). */
    idle: () => queue,
  };
}

export type VoiceTracker = ReturnType<typeof createVoiceTracker>;
