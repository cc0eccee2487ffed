/**
 * One consumer process of the worker bench: the TTFD sync worker (with no-op platform
 * drivers) or graphile-worker (a no-op task). It records when each item is handled and
 * reports over IPC.
 *   SYSTEM=ttfd|graphile  CONFIG=batched|default (graphile)  MODE=throughput|latency
 *   DATABASE_URL  EXPECT (items to wait for)
 */
import { Client } from 'pg';
import { createLogger, createRegistry } from '@ttfd/shared';
import {
  createSyncMetrics,
  createSyncWorker,
  createWorkerPool,
  parseSyncWorkerConfig,
  workerTuning,
} from '@ttfd/sync-worker';
import { nowMs } from './percentiles';

const { SYSTEM = 'ttfd', CONFIG = 'batched', MODE = 'throughput', DATABASE_URL = '', EXPECT = '0' } = process.env;
const expected = Number(EXPECT);
const send = (message: object) => new Promise<void>((resolve) => process.send!(message, () => resolve()));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const seen: (number | string)[] = [];
const at: number[] = [];
let count = 0;
let first = 0;
let last = 0;
function record(i: number | string) {
  const t = nowMs();
  if (count === 0) first = t;
  last = t;
  count++;
  if (MODE === 'latency') {
    seen.push(i);
    at.push(t);
  }
}

async function startTtfd(): Promise<{ stop(): Promise<void>; remaining(c: Client): Promise<number> }> {
  const config = parseSyncWorkerConfig({ DATABASE_URL });
  const log = createLogger('bench-worker', 'warn');
  const pool = createWorkerPool(config, 'bench-worker');
  const metrics = createSyncMetrics(createRegistry('bench-worker'), pool, log);
  const noop = async () => ({ messageId: '0' });
  const worker = createSyncWorker({
    pool,
    listener: () => new Client({ connectionString: DATABASE_URL }),
    drivers: {
      telegram: { platform: 'telegram', fault: null, notify: noop },
      discord: {
        platform: 'discord',
        syncsRoles: true,
        fault: null,
        sendDirectMessage: noop,
        syncRoles: async () => ({ added: [], removed: [], unmanageable: [], skipped: [] }),
      },
      website: {
        platform: 'website',
        async publish(eventIds: string[]) {
          for (const id of eventIds) record(id);
        },
      },
    },
    log,
    metrics,
    ...workerTuning(config),
  });
  return {
    async stop() {
      await worker.stop();
      await pool.end();
    },
    remaining: async (c) =>
      (await c.query(`SELECT count(*)::int AS n FROM cross_platform_events WHERE NOT processed AND dead_at IS NULL`))
        .rows[0].n,
  };
}

async function startGraphile(): Promise<{ stop(): Promise<void>; remaining(c: Client): Promise<number> }> {
  const { run, Logger } = await import('graphile-worker');
  // The batching settings of graphile-worker's published performance run, or its defaults.
  const batched = { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 };
  const concurrency = 10;
  const runner = await run({
    connectionString: DATABASE_URL,
    concurrency,
    noHandleSignals: true,
    logger: new Logger(() => () => {}),
    preset: { worker: { maxPoolSize: concurrency + 2, ...(CONFIG === 'batched' ? batched : {}) } },
    taskList: {
      noop: async (payload) => {
        record(Number((payload as { i?: number }).i ?? -1));
      },
    },
  });
  return {
    stop: () => runner.stop(),
    remaining: async (c) => (await c.query(`SELECT count(*)::int AS n FROM graphile_worker._private_jobs`)).rows[0].n,
  };
}

async function main() {
  const tStart = nowMs();
  const consumer = SYSTEM === 'ttfd' ? await startTtfd() : await startGraphile();
  await send({ type: 'ready' });
  const deadline = { at: Infinity };
  if (MODE === 'latency') {
    await new Promise((resolve) => process.once('message', resolve));
    deadline.at = nowMs() + 30_000;
  } else deadline.at = nowMs() + 120_000;
  while (count < expected && nowMs() < deadline.at) await sleep(5);
  // Completions may lag the handlers: wait for the queue to be really empty.
  const c = new Client({ connectionString: DATABASE_URL });
  await c.connect();
  let remaining = -1;
  for (let k = 0; k < 3000; k++) {
    remaining = await consumer.remaining(c);
    if (remaining === 0) break;
    await sleep(5);
  }
  const tSettled = nowMs();
  await c.end();
  await consumer.stop();
  await send({ type: 'result', count, tStart, first, last, tSettled, remaining, seen, at });
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
