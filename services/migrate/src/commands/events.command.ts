import {
  EVENTS_CHANNEL,
  eventStats,
  listDeadEvents,
  processedSince,
  replayEvents,
  type DeadEventRow,
} from '@ttfd/shared';
import type { CommandContext, ConnectedCommand } from './command';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const USAGE = 'events stats [--json] | events dead [--limit N] [--json] | events replay <id>... | --all-dead';

function duration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

async function stats({ args, pool, out }: CommandContext): Promise<number> {
  const s = await eventStats(pool);
  const lastMinute = await processedSince(pool, 60);
  const lastFiveMinutes = await processedSince(pool, 300);
  const throughput = { last_minute_per_s: lastMinute / 60, last_5_minutes_per_s: lastFiveMinutes / 300 };
  if (args.includes('--json')) {
    out(
      JSON.stringify({
        pending: s.pending,
        waiting_retry: s.waitingRetry,
        oldest_pending_age_seconds: s.oldestPendingAgeSeconds,
        dead: s.dead,
        processed_last_minute: lastMinute,
        processed_last_5_minutes: lastFiveMinutes,
        throughput_per_s: throughput,
      }),
    );
    return 0;
  }
  out(`pending:      ${s.pending} (${s.waitingRetry} waiting for a retry)`);
  out(`oldest:       ${s.pending === 0 ? '-' : duration(s.oldestPendingAgeSeconds)}`);
  out(`dead:         ${s.dead}${s.dead > 0 ? ' (list them with: events dead)' : ''}`);
  out(
    `throughput:   ${throughput.last_minute_per_s.toFixed(1)}/s over the last minute, ` +
      `${throughput.last_5_minutes_per_s.toFixed(1)}/s over 5 minutes`,
  );
  return 0;
}

async function dead({ args, pool, out }: CommandContext): Promise<number> {
  const i = args.indexOf('--limit');
  const limit = i >= 0 ? Number(args[i + 1]) : 50;
  if (!Number.isInteger(limit) || limit < 1) {
    out(`--limit needs a whole number above 0.\nUsage: ${USAGE}`);
    return 2;
  }
  const rows: DeadEventRow[] = await listDeadEvents(pool, limit);
  if (args.includes('--json')) {
    out(JSON.stringify(rows));
    return 0;
  }
  if (rows.length === 0) {
    out('No dead events.');
    return 0;
  }
  for (const r of rows) {
    out(
      `${r.id}  #${r.seq}  ${r.eventType} of ${r.userId === null ? 'no player' : `user ${r.userId}`} (from ${r.sourcePlatform}), ` +
        `dead ${r.deadAt.toISOString()} after ${r.attempts} attempt(s)`,
    );
    out(`    ${r.lastError ?? '(no error recorded)'}`);
  }
  out(`${rows.length} dead event(s) shown. Replay with: events replay <id> | --all-dead`);
  return 0;
}

async function replay({ args, pool, out }: CommandContext): Promise<number> {
  const all = args.includes('--all-dead');
  const ids = args.filter((a) => !a.startsWith('--'));
  const invalid = ids.filter((id) => !UUID.test(id));
  if ((!all && ids.length === 0) || (all && ids.length > 0) || invalid.length > 0) {
    out(`${invalid.length > 0 ? `Not an event id: ${invalid.join(', ')}\n` : ''}Usage: ${USAGE}`);
    return 2;
  }
  const revived = await replayEvents(pool, all ? 'all-dead' : ids);
  if (revived.length > 0) await pool.query(`SELECT pg_notify('${EVENTS_CHANNEL}', '')`);
  for (const id of ids.filter((id) => !revived.includes(id.toLowerCase())))
    out(`${id}: not dead (unknown, pending or already processed); left alone`);
  out(`Replayed ${revived.length} event(s).`);
  return all || revived.length === ids.length ? 0 : 1;
}

/** Operations on the event pipeline: backlog, dead letters and replays. */
export const eventsCommand: ConnectedCommand = {
  name: 'events',
  usage: 'events stats|dead|replay',
  summary: 'event pipeline: backlog and throughput, dead letters with their errors, replay',
  async run(ctx) {
    const [sub, ...rest] = ctx.args;
    const next = { ...ctx, args: rest };
    if (sub === 'stats') return stats(next);
    if (sub === 'dead') return dead(next);
    if (sub === 'replay') return replay(next);
    ctx.out(`Usage: ${USAGE}`);
    return 2;
  },
};
