import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, killSpawned, spawnMain, type MainProcess, type TestDatabase } from '@ttfd/testing';
import { runCli } from '../src/cli';

/** The sync worker's entry point, run from source in its own process as `make run` starts it. */
const WORKER_MAIN = path.resolve(__dirname, '../../sync-worker/src/main.ts');

let db: TestDatabase;
let live: Client;
const published: string[] = [];

async function smokeTest(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    ['smoke-test', ...args],
    { DATABASE_URL: db.url },
    { out: (l) => out.push(l), err: (l) => err.push(l) },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function smokeRows() {
  const { rows } = await db.pool.query(`SELECT id FROM cross_platform_events WHERE event_type = 'smoke_test'`);
  return rows;
}

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
  live = new Client({ connectionString: db.url });
  await live.connect();
  live.on('notification', (n) => published.push(n.payload ?? ''));
  await live.query('LISTEN ttfd_live');
});
afterAll(async () => {
  killSpawned();
  await live.end();
  await db.drop();
});

describe('ttfd smoke-test', () => {
  it('without a sync worker: fails within the timeout, names the worker, and leaves no event behind', async () => {
    // A run killed midway an hour ago left its event: the next run removes it.
    await db.pool.query(
      `INSERT INTO cross_platform_events (user_id, event_type, source_platform, data, created_at)
       VALUES (NULL, 'smoke_test', 'system', '{"run": "killed"}', now() - interval '1 hour')`,
    );
    const started = Date.now();
    const result = await smokeTest('--timeout', '1');
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.out).toContain('Removed 1 smoke test event(s) left by earlier runs.');
    expect(result.err).toMatch(
      /^The event through the worker failed: no sync worker settled the smoke test event within 1 s \(0 attempt\(s\), no error recorded\): is the sync worker running against this database\?/m,
    );
    expect(await smokeRows()).toEqual([]);
  });

  it('with the sync worker running: its /readyz answers and it claims and settles the event, published nowhere', async () => {
    const worker: MainProcess = spawnMain(WORKER_MAIN, {
      DATABASE_URL: db.url,
      PORT: '0',
      LOG_LEVEL: 'info',
      // Only the NOTIFY after the write wakes it in time: the safety-net poll is far off.
      SYNC_POLL_MS: '600000',
    });
    await worker.logged('listening for new events');
    const port = /"port":(\d+)[^\n]*serving \/healthz/.exec(worker.output())![1];
    const readyz = `http://127.0.0.1:${port}/readyz`;

    const result = await smokeTest('--health', readyz, '--timeout', '20');
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain(`ready: ${readyz}`);
    expect(result.out).toMatch(
      /^Wrote smoke_test event [0-9a-f-]{36}; waiting up to 20 s for a sync worker to settle it\.$/m,
    );
    expect(result.out).toMatch(/^The sync worker settled the event after \d+ ms\.$/m);
    expect(result.out).toContain('Smoke test passed: 1 service(s) ready, one event settled by the sync worker.');
    // The worker counted it as settled by its own claim; the row is gone and no player's page heard of it.
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(
      /^ttfd_events_processed_total\{event_type="smoke_test",outcome="ok",service="sync-worker"\} 1$/m,
    );
    expect(await smokeRows()).toEqual([]);
    expect(published).toEqual([]);

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });

  it('names every service that did not answer as ready, with what it answered', async () => {
    const sick = http.createServer((_req, res) => res.writeHead(503).end('database unreachable\n'));
    await new Promise<void>((resolve) => sick.listen(0, '127.0.0.1', resolve));
    const sickUrl = `http://127.0.0.1:${(sick.address() as AddressInfo).port}/readyz`;
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/readyz`;
    await new Promise((resolve) => closed.close(resolve));
    try {
      const result = await smokeTest('--health', sickUrl, '--health', closedUrl, '--no-event', '--timeout', '1');
      expect(result.code).toBe(1);
      expect(result.err).toBe(
        ['Not ready within 1 s:', `  ${sickUrl}: HTTP 503 database unreachable`, `  ${closedUrl}: ECONNREFUSED`].join(
          '\n',
        ),
      );
    } finally {
      await new Promise((resolve) => sick.close(resolve));
    }
  });

  it('refuses bad options with the usage (exit 2)', async () => {
    const bad = await smokeTest('--health', 'not-a-url');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--health needs an http(s) URL, not "not-a-url".\nUsage: ttfd smoke-test');
    expect((await smokeTest('--timeout', '0')).code).toBe(2);
    expect((await smokeTest('--no-event')).err).toContain('nothing to check');
  });
});

describe('an event of no player', () => {
  it('is refused for every type but the smoke test', async () => {
    await expect(
      db.pool.query(
        `INSERT INTO cross_platform_events (user_id, event_type, source_platform, data)
         VALUES (NULL, 'xp_change', 'system', '{}')`,
      ),
    ).rejects.toThrow('cross_platform_events_user_id_check');
  });
});
