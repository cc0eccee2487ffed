/**
 * `make bench BENCH=website`: the website's boards and live updates at scale, against a bare
 * NestJS route on the same machine. With BENCH_PLAYERS players (1,000,000; made with
 * generate_series) on one embedded PostgreSQL 18:
 *   (a) requests/s and p99 over keep-alive HTTP (CONNECTIONS clients, SECONDS each, after
 *       WARMUP seconds not measured, the bare route's too) for the
 *       leaderboard page, a deep page (anywhere in the lower half), a season page and
 *       "my position" (signed-in players spread over the board), each as a ratio to the
 *       bare route (target ≥ 0.5): rps / bare rps and bare p99 / p99; and, as a bound, the
 *       bare app's route that reads the signed-in viewer's session row (the website store's
 *       statement) once per request: what any page reading PostgreSQL once reaches here;
 *   (b) SSE fan-out: SSE_STREAMS open streams (2,000) of as many players, one event each,
 *       published by the sync worker's website driver in one transaction: p99 from the
 *       COMMIT to each stream's delivery (target ≤ 250 ms).
 * The website and the bare app run in their own processes; the load comes from this one.
 * Prints progress on stderr and one JSON line on stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { createPool } from '@ttfd/shared';
import { createWebsiteDriver } from '@ttfd/sync-worker';
import { startBenchDatabase } from './lib/bench-database';
import { loadLadder } from './lib/ladder';
import { runHttpLoad, type HttpLoadResult } from './lib/http-load';
import { nowMs, summarize } from './lib/percentiles';

const PLAYERS = Number(process.env.BENCH_PLAYERS ?? 1_000_000);
const SECONDS = Number(process.env.SECONDS ?? 10);
/** Unmeasured load before each measured run, the bare route's too: servers are measured warm, as they run. */
const WARMUP = Number(process.env.WARMUP ?? 3);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 16);
const SSE_STREAMS = Math.min(Number(process.env.SSE_STREAMS ?? 2_000), PLAYERS);
/** Extra node options for the website's process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
const WEBSITE_NODE_ARGS = (process.env.WEBSITE_NODE_ARGS ?? '').split(' ').filter(Boolean);
const VIEWERS = 200;
const PAGE_SIZE = 20;
const SESSION_SECRET = randomBytes(24).toString('hex');
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Signed-in sessions as the website's PostgreSQL store keeps them; returns each one's Cookie header. */
async function createSessions(pool: ReturnType<typeof createPool>, userIds: string[]): Promise<string[]> {
  const sids = userIds.map(() => randomBytes(18).toString('base64url'));
  const expires = new Date(Date.now() + 3_600_000);
  await pool.query(
    `INSERT INTO website_sessions (sid, sess, expire)
     SELECT s.sid, jsonb_build_object('cookie', jsonb_build_object('originalMaxAge', 3600000, 'expires', $3::text,
              'httpOnly', true, 'path', '/', 'sameSite', 'lax'), 'userId', s.user_id::text, 'locale', 'en'), $3::timestamptz
     FROM unnest($1::text[], $2::bigint[]) AS s (sid, user_id)`,
    [sids, userIds, expires.toISOString()],
  );
  return sids.map((sid) => {
    const signature = createHmac('sha256', SESSION_SECRET).update(sid).digest('base64').replace(/=+$/, '');
    return `ttfd.sid=${encodeURIComponent(`s:${sid}.${signature}`)}`;
  });
}

/** Starts a child and resolves with the port from the first stdout line that names one. */
function startChild(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const record = JSON.parse(line) as { port?: unknown; msg?: string };
        if (typeof record.port === 'number' && record.port > 0) resolve({ child, port: record.port });
      } catch {
        // not a log record
      }
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

function ratio(route: HttpLoadResult, bare: HttpLoadResult) {
  return {
    ...route,
    rps_ratio: Math.round((route.rps / bare.rps) * 100) / 100,
    p99_ratio: route.p99_ms && bare.p99_ms ? Math.round((bare.p99_ms / route.p99_ms) * 100) / 100 : null,
  };
}

/** SSE_STREAMS streams open, one event each published in one worker transaction: commit → delivery. */
async function fanOut(pool: ReturnType<typeof createPool>, base: string, userIds: string[], cookies: string[]) {
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const arrived = new Map<string, number>();
  const requests: http.ClientRequest[] = [];
  let open = 0;
  await Promise.all(
    cookies.map(
      (cookie, i) =>
        new Promise<void>((resolve, reject) => {
          const req = http.get(
            `${base}/api/v1/me/events`,
            { agent, headers: { Cookie: cookie, Accept: 'text/event-stream' } },
            (res) => {
              if (res.statusCode !== 200) return reject(new Error(`stream ${i}: HTTP ${res.statusCode}`));
              open++;
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => {
                if (chunk.includes('event: update') && !arrived.has(userIds[i]!)) arrived.set(userIds[i]!, nowMs());
              });
              resolve();
            },
          );
          req.on('error', reject);
          requests.push(req);
        }),
    ),
  );
  // Every stream has subscribed once the website counts them all.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
    const n = Number(/ttfd_website_sse_streams\{[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0);
    if (n >= cookies.length) break;
    if (Date.now() > deadline) throw new Error(`only ${n} of ${cookies.length} streams open`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO cross_platform_events (user_id, event_type, source_platform, data)
     SELECT u, 'xp_change', 'telegram', jsonb_build_object('xp_delta', 5, 'coins_delta', 0, 'reason', 'bench', 'xp', 5, 'coins', 0, 'rank_id', 1)
     FROM unnest($1::bigint[]) u RETURNING id`,
    [userIds],
  );
  const client = await pool.connect();
  let committedAt: number;
  try {
    await client.query('BEGIN');
    await createWebsiteDriver().publish(
      rows.map((r) => r.id),
      client,
    );
    committedAt = nowMs();
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  const waitUntil = Date.now() + 10_000;
  while (arrived.size < userIds.length && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 20));
  for (const req of requests) req.destroy();
  agent.destroy();
  const latencies = [...arrived.values()].map((t) => t - committedAt);
  return { streams: open, ...summarize(latencies, userIds.length - arrived.size) };
}

async function main() {
  const db = await startBenchDatabase('website', 0);
  const pool = createPool(db.url, { max: 4, applicationName: 'bench-website' });
  const children: ChildProcess[] = [];
  try {
    let started = performance.now();
    await loadLadder(pool, PLAYERS);
    log(`loaded ${PLAYERS} players in ${Math.round(performance.now() - started)} ms`);

    const { rows: sample } = await pool.query<{ id: string }>(
      `SELECT id::text FROM unified_users TABLESAMPLE BERNOULLI (least(100, 100.0 * $1 / $2)) LIMIT $1`,
      [Math.max(VIEWERS, SSE_STREAMS) * 2, PLAYERS],
    );
    const ids = sample.map((r) => r.id).sort(() => Math.random() - 0.5);
    const viewerCookies = await createSessions(pool, ids.slice(0, VIEWERS));
    const sseIds = ids.slice(0, SSE_STREAMS);
    const sseCookies = await createSessions(pool, sseIds);

    const website = await startChild(
      process.execPath,
      [...WEBSITE_NODE_ARGS, path.join(path.dirname(require.resolve('@ttfd/website/package.json')), 'dist/main.js')],
      { DATABASE_URL: db.url, PORT: '0', SESSION_SECRET, LOG_LEVEL: 'info', PUBLIC_URL: 'http://127.0.0.1' },
    );
    children.push(website.child);
    const bare = await startChild(process.execPath, [path.join(__dirname, 'lib/bare-nest.js')], {
      DATABASE_URL: db.url,
    });
    children.push(bare.child);
    const siteUrl = `http://127.0.0.1:${website.port}`;
    log(`website on ${siteUrl}, bare NestJS on ${bare.port}`);

    const pages = Math.ceil(PLAYERS / PAGE_SIZE);
    // Each visitor's browser keeps the session cookie of its first page (the CSRF token of the
    // language switch lives there), as browsers do: VIEWERS visitors, one after another per request.
    const visitors: Record<string, string>[] = [];
    for (let v = 0; v < VIEWERS; v++) {
      const first = await fetch(`${siteUrl}/leaderboard`);
      visitors.push({ Cookie: String(first.headers.get('set-cookie')).split(';')[0]! });
    }
    const visitor = (i: number) => visitors[i % visitors.length]!;
    const run = async (
      name: string,
      url: string,
      path: (i: number) => string,
      headers?: (i: number) => Record<string, string>,
    ) => {
      await runHttpLoad({ url, path, connections: CONNECTIONS, seconds: WARMUP, headers });
      const result = await runHttpLoad({ url, path, connections: CONNECTIONS, seconds: SECONDS, headers });
      log(`${name.padEnd(12)} ${result.rps} req/s, p99 ${result.p99_ms} ms, ${result.errors} errors`);
      return result;
    };
    const bareResult = await run('bare', `http://127.0.0.1:${bare.port}`, () => '/bare');
    const viewer = (i: number) => ({ Cookie: viewerCookies[i % viewerCookies.length]! });
    const bareRead = await run('bare read', `http://127.0.0.1:${bare.port}`, () => '/bare-read', viewer);
    const page = await run('page', siteUrl, () => '/leaderboard', visitor);
    const deep = await run(
      'deep page',
      siteUrl,
      () => `/leaderboard?page=${Math.floor(pages / 2 + Math.random() * (pages / 2)) || 1}`,
      visitor,
    );
    const season = await run(
      'season page',
      siteUrl,
      () => `/leaderboard?board=season&page=${1 + Math.floor(Math.random() * Math.min(pages, 50))}`,
      visitor,
    );
    // "My position": each request a different signed-in player, spread over the board.
    const myPosition = await run('my position', siteUrl, () => '/leaderboard?around=me', viewer);

    started = performance.now();
    const sse = await fanOut(pool, siteUrl, sseIds, sseCookies);
    log(`sse fan-out  ${sse.streams} streams, p99 ${sse.p99_ms} ms (${Math.round(performance.now() - started)} ms)`);

    process.stdout.write(
      `${JSON.stringify({
        bench: 'website',
        players: PLAYERS,
        seconds: SECONDS,
        warmup_seconds: WARMUP,
        connections: CONNECTIONS,
        bare: bareResult,
        bare_session_read: ratio(bareRead, bareResult),
        leaderboard_page: ratio(page, bareResult),
        deep_page: ratio(deep, bareResult),
        season_page: ratio(season, bareResult),
        my_position: ratio(myPosition, bareResult),
        sse_fan_out: sse,
        targets: { ratio_at_least: 0.5, sse_p99_ms_at_most: 250 },
        postgres: db.settings,
      })}\n`,
    );
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await pool.end();
    await db.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
