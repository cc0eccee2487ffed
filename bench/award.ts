/**
 * `make bench BENCH=award`: the award write path against its peers, on one embedded
 * PostgreSQL 18 (stock settings, fsync on) in one run, at 1, 4 and 16 clients:
 *   (a) award() through @ttfd/shared, including its post-commit worker wake-up;
 *   (b) pgbench running the exact statement award() sends;
 *   (c) pgbench running the minimal seed write (UPDATE xp + INSERT one event);
 *   (d) the design not taken: (b) with a pg_notify inside the transaction.
 * The disk's commit latency drifts over minutes, so the variants take turns in ROUNDS
 * (default 5) short rounds of SECONDS (5) each, award() first and last in alternate
 * rounds, and each round compares award() with the peers measured next to it. Prints
 * progress on stderr and one JSON line on stdout with ratio = a/b and ratio_minimal = a/c
 * at the most clients: the median of the per-round ratios, with their spread.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createPool, createProgression, createWake, DAILY_REWARD, EVENTS_CHANNEL, progressSql } from '@ttfd/shared';
import { startBenchDatabase } from './lib/bench-database';
import { median, pairedRatio } from './lib/paired';
import { pgbench } from './lib/pgbench';

const SECONDS = Number(process.env.SECONDS ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const CLIENTS = (process.env.CLIENTS ?? '1,4,16').split(',').map(Number);
const USERS = 10_000;
const XP = 5;
const log = (line: string) => process.stderr.write(`${line}\n`);

/** The award() statement with its parameters as pgbench variables and literals. */
function exactScript(notifyInTransaction = false): string {
  const params: Record<number, string> = {
    1: ':uid',
    2: String(XP),
    3: '0',
    4: '0',
    5: '0',
    6: '1',
    7: '0',
    8: "'message'",
    9: "'telegram'",
    10: "('bench:' || :client_id || ':' || :k)",
    11: 'NULL',
    12: 'NULL',
    13: 'false',
    14: 'CURRENT_DATE',
    15: String(DAILY_REWARD.xp.base),
    16: String(DAILY_REWARD.xp.step),
    17: String(DAILY_REWARD.xp.cap),
    18: String(DAILY_REWARD.coins.base),
    19: String(DAILY_REWARD.coins.step),
    20: String(DAILY_REWARD.coins.cap),
  };
  const sql = progressSql('telegram_id').replace(/\$(\d+)/g, (_, n: string) => params[Number(n)]!);
  // pgbench reads one line per command: SQL comments go before the lines are joined.
  const statement = `${sql
    .replace(/--[^\n]*/g, '')
    .trim()
    .replace(/\n/g, ' ')};`;
  const body = notifyInTransaction
    ? `BEGIN;\n${statement}\nSELECT pg_notify('${EVENTS_CHANNEL}', '');\nEND;`
    : statement;
  return `\\set uid random(1, ${USERS})\n\\set k random(1, 1000000000000000)\n${body}\n`;
}

const MINIMAL = `\\set uid random(1, ${USERS})
BEGIN;
UPDATE unified_users SET xp = xp + 50 WHERE id = :uid;
INSERT INTO cross_platform_events (user_id, event_type, source_platform, data)
  VALUES (:uid, 'xp_change', 'telegram', jsonb_build_object('xp_delta', 50, 'reason', 'message'));
END;
`;

async function awardTps(url: string, clients: number): Promise<number> {
  const pool = createPool(url, { max: clients + 1, applicationName: 'bench-award' });
  const wake = createWake(pool);
  const progression = createProgression({ pool, wake });
  let done = 0;
  let key = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const loop = async (c: number) => {
    while (Date.now() < deadline) {
      const uid = 1 + Math.floor(Math.random() * USERS);
      await progression.award({
        player: { platform: 'telegram', id: uid },
        xp: XP,
        stats: { messages_sent: 1 },
        reason: 'message',
        source: 'telegram',
        dedupeKey: `bench:a${c}:${key++}`,
      });
      done++;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: clients }, (_, c) => loop(c)));
  const tps = done / ((Date.now() - started) / 1000);
  await wake.close();
  await pool.end();
  return Math.round(tps);
}

async function main() {
  const db = await startBenchDatabase('award', USERS);
  const { url, dir, settings } = db;
  try {
    const exactFile = path.join(dir, 'award-exact.sql');
    const minimalFile = path.join(dir, 'award-minimal.sql');
    const notifyFile = path.join(dir, 'award-exact-notify.sql');
    fs.writeFileSync(exactFile, exactScript());
    fs.writeFileSync(notifyFile, exactScript(true));
    fs.writeFileSync(minimalFile, MINIMAL);

    type Variant = 'award' | 'pgbench_exact' | 'pgbench_minimal' | 'pgbench_exact_notify_in_tx';
    // Each variant's TPS per client count, one entry per round.
    const results: Record<Variant, Record<number, number[]>> = {
      award: {},
      pgbench_exact: {},
      pgbench_minimal: {},
      pgbench_exact_notify_in_tx: {},
    };
    const variants: [Variant, (clients: number) => Promise<number>][] = [
      ['award', (c) => awardTps(url, c)],
      ['pgbench_exact', async (c) => (await pgbench(url, exactFile, c, SECONDS)).tps],
      ['pgbench_minimal', async (c) => (await pgbench(url, minimalFile, c, SECONDS)).tps],
      ['pgbench_exact_notify_in_tx', async (c) => (await pgbench(url, notifyFile, c, SECONDS)).tps],
    ];
    for (const clients of CLIENTS) {
      for (let round = 0; round < ROUNDS; round++) {
        // award() runs first in even rounds and last in odd ones, so a drift favours no variant.
        for (const [name, run] of round % 2 === 0 ? variants : [...variants].reverse()) {
          const tps = await run(clients);
          (results[name][clients] ??= []).push(tps);
          log(`${name.padEnd(28)} ${String(clients).padStart(2)} clients, round ${round + 1}: ${tps} TPS`);
        }
      }
    }
    const top = Math.max(...CLIENTS);
    const tpsMedian = Object.fromEntries(
      Object.entries(results).map(([name, byClients]) => [
        name,
        Object.fromEntries(Object.entries(byClients).map(([c, tps]) => [c, Math.round(median(tps)!)])),
      ]),
    );
    const ratio = pairedRatio(results.award[top]!, results.pgbench_exact[top]!);
    const ratioMinimal = pairedRatio(results.award[top]!, results.pgbench_minimal[top]!);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'award',
        seconds_per_run: SECONDS,
        rounds: ROUNDS,
        users: USERS,
        settings,
        tps_median: tpsMedian,
        tps_rounds: results,
        ratio: ratio.median,
        ratio_spread: ratio,
        ratio_minimal: ratioMinimal.median,
        ratio_minimal_spread: ratioMinimal,
        at_clients: top,
      })}\n`,
    );
  } finally {
    await db.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
