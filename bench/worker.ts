/**
 * `make bench BENCH=worker`: the TTFD sync worker against graphile-worker (bench/package.json; its
 * batched configuration, the settings of its published performance run, and its
 * defaults), on one embedded PostgreSQL 18 (stock settings, fsync on) in one run:
 *   drain:   EVENTS (20,000) items already queued, one consumer process, no-op handlers
 *            (our worker runs its real handler table with no-op platform drivers);
 *   latency: the real award path writes RATE (200) awards/s for SECONDS (5) while an
 *            idle consumer runs; lag = the award call starting (or committing) -> the
 *            item being handled.
 * Ours and graphile batched take turns in ROUNDS (5) short rounds, who goes first
 * alternating, since the disk's commit latency drifts over minutes; graphile's defaults
 * run once at the end (DEFAULTS=0 skips them). Prints progress on stderr and one JSON line
 * on stdout with the median of the per-round ratios (ours / graphile batched) and their
 * spread: throughput_ratio (drain rate including start-up), p99_lag_ratio (p99 of
 * creation -> handled) and p99_committed_lag_ratio (p99 of committed -> handled, the
 * queue alone).
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { Client, Pool } from 'pg';
import { createProgression, createWake } from '@ttfd/shared';
import { startBenchDatabase } from './lib/bench-database';
import { NO_WAKE } from './lib/no-wake';
import { inTurn, median, pairedRatio } from './lib/paired';
import { nowMs, summarize } from './lib/percentiles';

const EVENTS = Number(process.env.EVENTS ?? 20_000);
const RATE = Number(process.env.RATE ?? 200);
const SECONDS = Number(process.env.SECONDS ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const DEFAULTS = process.env.DEFAULTS !== '0';
const USERS = 10_000;
const CHILD = path.join(__dirname, 'lib', 'queue-child.js');
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type System = { name: string; system: 'ttfd' | 'graphile'; config: 'batched' | 'default' };
const OURS: System = { name: 'ttfd', system: 'ttfd', config: 'batched' };
const PEER: System = { name: 'graphile_batched', system: 'graphile', config: 'batched' };
const DEFAULT: System = { name: 'graphile_default', system: 'graphile', config: 'default' };

interface ChildResult {
  count: number;
  tStart: number;
  first: number;
  last: number;
  tSettled: number;
  remaining: number;
  /** What was handled: graphile's job payload index, or our event id. */
  seen: (number | string)[];
  at: number[];
}

function startChild(env: Record<string, string>) {
  const child: ChildProcess = fork(CHILD, [], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const inbox: any[] = [];
  const waiters: { type: string; resolve: (m: any) => void }[] = [];
  child.on('message', (m: any) => {
    const i = waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(m);
    else inbox.push(m);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    send: (m: object) => child.send(m),
    exited,
    waitFor<T>(type: string): Promise<T> {
      const j = inbox.findIndex((m) => m.type === type);
      if (j >= 0) return Promise.resolve(inbox.splice(j, 1)[0]);
      return new Promise<T>((resolve, reject) => {
        waiters.push({ type, resolve });
        void exited.then((code) => reject(new Error(`consumer exited (${code}) before "${type}"`)));
      });
    },
  };
}

async function fill(url: string, s: System) {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    if (s.system === 'ttfd') {
      await c.query(
        `INSERT INTO cross_platform_events (user_id, event_type, source_platform, data)
         SELECT 1 + g % ${USERS}, (ARRAY['xp_change', 'message_sent', 'game_played'])[1 + g % 3], 'telegram',
                jsonb_build_object('xp_delta', 5, 'coins_delta', 0, 'reason', 'message', 'xp', g, 'coins', 0, 'rank_id', 1)
         FROM generate_series(1, $1) g`,
        [EVENTS],
      );
      await c.query('ANALYZE cross_platform_events');
    } else {
      const { makeWorkerUtils, Logger } = await import('graphile-worker');
      const utils = await makeWorkerUtils({ connectionString: url, logger: new Logger(() => () => {}) });
      await utils.addJobs(Array.from({ length: EVENTS }, (_, i) => ({ identifier: 'noop', payload: { i } })));
      await utils.release();
    }
  } finally {
    await c.end();
  }
}

async function drain(url: string, s: System) {
  await fill(url, s);
  const child = startChild({
    SYSTEM: s.system,
    CONFIG: s.config,
    MODE: 'throughput',
    DATABASE_URL: url,
    EXPECT: String(EVENTS),
  });
  const r = await child.waitFor<ChildResult>('result');
  await child.exited;
  return {
    handled: r.count,
    left_in_queue: r.remaining,
    per_s_incl_startup: Math.round(r.count / ((r.last - r.tStart) / 1000)),
    per_s_first_to_last: Math.round((r.count - 1) / ((r.last - r.first) / 1000)),
    per_s_until_settled: Math.round(r.count / ((r.tSettled - r.tStart) / 1000)),
  };
}

/** The real award path at a steady rate; returns when each award started and committed. */
async function produce(url: string, s: System) {
  const pool = new Pool({ connectionString: url, max: 8 });
  await Promise.all(Array.from({ length: 8 }, () => pool.query('SELECT 1')));
  const wake = s.system === 'ttfd' ? createWake(pool) : NO_WAKE;
  const progression = createProgression({ pool, wake });
  const n = RATE * SECONDS;
  const t0 = new Float64Array(n);
  const t1 = new Float64Array(n);
  const eventIds = new Map<string, number>();
  const inflight: Promise<void>[] = [];
  const start = nowMs() + 20;
  let late = 0;
  for (let i = 0; i < n; i++) {
    const wait = start + (i * 1000) / RATE - nowMs();
    if (wait > 1) await sleep(wait);
    else if (wait < -50) late++;
    const award = {
      player: { userId: String(1 + Math.floor(Math.random() * USERS)) },
      xp: 5,
      reason: `bench:${i}`,
      source: 'telegram' as const,
    };
    inflight.push(
      (async () => {
        t0[i] = nowMs();
        if (s.system === 'ttfd') {
          const res = await progression.award(award);
          for (const e of res.events) eventIds.set(e.id, i);
        } else {
          // graphile-worker's way: enqueue with add_job in the same transaction.
          const c = await pool.connect();
          try {
            await c.query('BEGIN');
            await createProgression({ pool: c as unknown as Pool, wake: NO_WAKE }).award(award);
            await c.query(`SELECT graphile_worker.add_job('noop', json_build_object('i', $1::int))`, [i]);
            await c.query('COMMIT');
          } finally {
            c.release();
          }
        }
        t1[i] = nowMs();
      })(),
    );
  }
  await Promise.all(inflight);
  await wake.close();
  await pool.end();
  return { n, t0, t1, late, eventIds };
}

async function latency(url: string, s: System) {
  const child = startChild({
    SYSTEM: s.system,
    CONFIG: s.config,
    MODE: 'latency',
    DATABASE_URL: url,
    EXPECT: String(RATE * SECONDS),
  });
  await child.waitFor('ready');
  await sleep(1_000);
  const p = await produce(url, s);
  child.send({ type: 'producer-done' });
  const r = await child.waitFor<ChildResult>('result');
  await child.exited;
  const fromStart: number[] = [];
  const fromCommit: number[] = [];
  const once = new Uint8Array(p.n);
  for (let k = 0; k < r.seen.length; k++) {
    const seen = r.seen[k]!;
    const i = typeof seen === 'string' ? (p.eventIds.get(seen) ?? -1) : seen;
    if (i < 0 || i >= p.n || once[i]) continue;
    once[i] = 1;
    fromStart.push(r.at[k]! - p.t0[i]!);
    fromCommit.push(r.at[k]! - p.t1[i]!);
  }
  const writeMs = Array.from(p.t1, (t, i) => t - p.t0[i]!);
  return {
    awards: p.n,
    producer_late_ticks: p.late,
    write: summarize(writeMs),
    lag_created_to_handled: summarize(fromStart, p.n - fromStart.length),
    lag_committed_to_handled: summarize(fromCommit, p.n - fromCommit.length),
  };
}

type Round = { drain: Awaited<ReturnType<typeof drain>>; latency: Awaited<ReturnType<typeof latency>> };

/** One drain and one latency run of a system, from a vacuumed, checkpointed database. */
async function measure(url: string, s: System, label: string): Promise<Round> {
  const c = new Client({ connectionString: url });
  await c.connect();
  // The peer's award writes appended our events too, which no one consumed: not this run's work.
  await c.query(`UPDATE cross_platform_events SET processed = true, processed_at = now() WHERE NOT processed`);
  await c.query('VACUUM ANALYZE');
  await c.query('CHECKPOINT');
  await c.end();
  log(`[${label}] drain of ${EVENTS}...`);
  const thr = await drain(url, s);
  log(`[${label}] drain ${JSON.stringify(thr)}`);
  log(`[${label}] latency at ${RATE}/s for ${SECONDS} s...`);
  const lat = await latency(url, s);
  log(`[${label}] latency ${JSON.stringify(lat.lag_committed_to_handled)}`);
  return { drain: thr, latency: lat };
}

/** The median of each round's figures, for the summary (the verdict is the paired ratios). */
function medians(rounds: Round[]) {
  const m = (pick: (r: Round) => number | null) => median(rounds.map(pick).filter((x): x is number => x !== null));
  return {
    drain_per_s_incl_startup: m((r) => r.drain.per_s_incl_startup),
    lag_created_to_handled_p50_ms: m((r) => r.latency.lag_created_to_handled.p50_ms),
    lag_created_to_handled_p99_ms: m((r) => r.latency.lag_created_to_handled.p99_ms),
    lag_committed_to_handled_p50_ms: m((r) => r.latency.lag_committed_to_handled.p50_ms),
    lag_committed_to_handled_p99_ms: m((r) => r.latency.lag_committed_to_handled.p99_ms),
    write_p99_ms: m((r) => r.latency.write.p99_ms),
  };
}

async function main() {
  const db = await startBenchDatabase('worker', USERS);
  const { url } = db;
  const out: Record<string, unknown> = {
    bench: 'worker',
    events: EVENTS,
    rate: RATE,
    seconds: SECONDS,
    rounds: ROUNDS,
    cpus: os.cpus().length,
  };
  try {
    out.settings = db.settings;
    const { runMigrations, Logger } = await import('graphile-worker');
    await runMigrations({ connectionString: url, logger: new Logger(() => () => {}) });

    const results = new Map<System, Round[]>([
      [OURS, []],
      [PEER, []],
    ]);
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of inTurn(round, [OURS, PEER]))
        results.get(s)!.push(await measure(url, s, `${s.name} ${round + 1}`));
    }
    const ours = results.get(OURS)!;
    const peer = results.get(PEER)!;
    out[OURS.name] = { median: medians(ours), rounds: ours };
    out[PEER.name] = { median: medians(peer), rounds: peer };
    if (DEFAULTS) out[DEFAULT.name] = await measure(url, DEFAULT, DEFAULT.name);

    const paired = (pick: (r: Round) => number | null) => pairedRatio(ours.map(pick), peer.map(pick));
    const throughput = paired((r) => r.drain.per_s_incl_startup);
    const lag = paired((r) => r.latency.lag_created_to_handled.p99_ms);
    const committed = paired((r) => r.latency.lag_committed_to_handled.p99_ms);
    out.throughput_ratio = throughput.median;
    out.throughput_ratio_spread = throughput;
    out.p99_lag_ratio = lag.median;
    out.p99_lag_ratio_spread = lag;
    out.p99_committed_lag_ratio = committed.median;
    out.p99_committed_lag_ratio_spread = committed;
  } finally {
    await db.stop();
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
