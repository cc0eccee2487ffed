import type { Pool } from 'pg';
import { recordServerJoined, recordServerLeft, requestRankRolesCheck, type Logger, type Wake } from '@ttfd/shared';
import type { DiscordMetrics } from './metrics';

export interface ServerMembersDeps {
  pool: Pool;
  wake: Wake;
  log: Logger;
  metrics: DiscordMetrics;
}

export interface RankRolesCheckSettings {
  /** Time between two checks of every linked player's rank roles. */
  intervalMs: number;
  /** Players checked per wave, and the pause between waves. */
  waveSize: number;
  wavePauseMs: number;
  /** Also check once at start-up (what changed while the bot was down); else only at the interval's boundaries. */
  atStart: boolean;
}

export interface ServerMembers {
  joined(member: { guildId: string; discordId: string; joinedAtMs: number }): Promise<void>;
  left(member: { guildId: string; discordId: string }): Promise<void>;
  /** Runs one check round now (the round of the current interval; one already done is not repeated). */
  checkRankRoles(): Promise<number>;
  /** Starts the periodic checks: at each boundary of the interval (wall clock), and at once when `atStart`. */
  startChecks(): void;
  stop(): Promise<void>;
}

/**
 * Members joining and leaving the server, and the periodic rank roles check, recorded as
 * events for the worker: a returning player gets their rank roles back, roles changed
 * while anything was down are repaired.
 */
export function createServerMembers(deps: ServerMembersDeps, settings: RankRolesCheckSettings): ServerMembers {
  const { pool, wake, log, metrics } = deps;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let stopping = false;
  let wakeFromPause = () => {};
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wakeFromPause = () => {
        clearTimeout(t);
        resolve();
      };
    });

  async function record(type: string, write: () => Promise<boolean>) {
    try {
      const player = await write();
      if (player) wake.signal();
      metrics.events.inc({ type, outcome: player ? 'counted' : 'ignored' });
    } catch (err) {
      metrics.events.inc({ type, outcome: 'error' });
      log.error({ err, type }, 'could not record a server member event');
    }
  }

  async function round(): Promise<number> {
    // Rounds are named by their interval, so bots restarting (or two of them) check each player once per interval.
    const name = String(Math.floor(Date.now() / settings.intervalMs));
    let after = '0';
    let added = 0;
    for (;;) {
      const wave = await requestRankRolesCheck(pool, { round: name, afterUserId: after, limit: settings.waveSize });
      if (wave.added > 0) wake.signal();
      added += wave.added;
      if (wave.lastUserId === null || stopping) break;
      after = wave.lastUserId;
      await pause(settings.wavePauseMs);
    }
    metrics.rankRolesChecks.inc(added);
    if (added > 0) log.info({ round: name, players: added }, 'rank roles check requested');
    return added;
  }

  function checkRankRoles(): Promise<number> {
    // One round at a time: a long round is not overtaken by the next interval's.
    running ??= round().finally(() => (running = null));
    return running;
  }

  return {
    joined: (member) => record('guild_member_add', () => recordServerJoined(pool, member)),
    left: (member) => record('guild_member_remove', () => recordServerLeft(pool, member)),
    checkRankRoles,
    startChecks() {
      const run = () => {
        if (stopping) return;
        void checkRankRoles().catch((err: unknown) =>
          log.error({ err }, 'rank roles check failed; the next interval tries again'),
        );
      };
      const next = () => {
        run();
        schedule();
      };
      // Boundaries of the wall clock: a bot restarted more often than the interval still checks.
      const schedule = () => {
        if (stopping) return;
        timer = setTimeout(next, settings.intervalMs - (Date.now() % settings.intervalMs));
        timer.unref();
      };
      if (settings.atStart) run();
      schedule();
    },
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      wakeFromPause();
      await running?.catch(() => {});
    },
  };
}
