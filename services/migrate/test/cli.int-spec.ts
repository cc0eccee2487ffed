import net from 'node:net';
import { Client } from 'pg';
import { createProgression, createWake, migrations } from '@ttfd/shared';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';
import { runCli } from '../src/cli';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

let empty: TestDatabase;
beforeAll(async () => {
  empty = await createTestDatabase({ migrated: false, poolSize: 1 });
});
afterAll(async () => {
  await empty.drop();
});

describe('ttfd migrate', () => {
  it('reports pending migrations with --check on an empty database (exit 1)', async () => {
    const c = capture();
    expect(await runCli(['migrate', '--check'], { DATABASE_URL: empty.url }, c.io)).toBe(1);
    expect(c.out).toEqual([`${migrations.length} pending migration(s):`, ...migrations.map((m) => `  ${m.name}`)]);
  });

  it('applies everything once when two runs start together, and both succeed', async () => {
    const a = capture();
    const b = capture();
    const codes = await Promise.all([
      runCli(['migrate'], { DATABASE_URL: empty.url }, a.io),
      runCli(['migrate'], { DATABASE_URL: empty.url }, b.io),
    ]);
    expect(codes).toEqual([0, 0]);
    const applied = [...a.out, ...b.out].filter((l) => l.startsWith('Applied '));
    expect(applied).toEqual(migrations.map((m) => `Applied ${m.name}`));
    expect([...a.out, ...b.out]).toContain('No pending migrations; the schema is up to date.');
  });

  it('is a no-op the second time and --check then exits 0', async () => {
    const again = capture();
    expect(await runCli(['migrate'], { DATABASE_URL: empty.url }, again.io)).toBe(0);
    expect(again.out).toEqual(['No pending migrations; the schema is up to date.']);
    const check = capture();
    expect(await runCli(['migrate', '--check'], { DATABASE_URL: empty.url }, check.io)).toBe(0);
    expect(check.out).toEqual(['Schema is up to date.']);
  });
});

describe('ttfd reconcile', () => {
  it('passes on an exact ledger and exits 1 naming the account that drifted', async () => {
    const progression = createProgression({ pool: empty.pool, wake: createWake(empty.pool) });
    const a = await progression.award({
      player: { platform: 'telegram', id: 1 },
      xp: 30,
      reason: 'quest',
      source: 'telegram',
    });
    await progression.award({ player: { platform: 'discord', id: '2' }, xp: 12, reason: 'message', source: 'discord' });
    const ok = capture();
    expect(await runCli(['reconcile'], { DATABASE_URL: empty.url }, ok.io)).toBe(0);
    expect(ok.out).toEqual(['Checked 2 account(s): ledger exact.']);

    await empty.pool.query('UPDATE unified_users SET xp = xp + 7 WHERE id = $1', [a.userId]);
    const bad = capture();
    expect(await runCli(['reconcile'], { DATABASE_URL: empty.url }, bad.io)).toBe(1);
    expect(bad.out).toEqual([
      `MISMATCH user ${a.userId}: xp 37, ledger 30 (off by 7)`,
      'Checked 2 account(s): 1 mismatch(es).',
    ]);
    const json = capture();
    expect(await runCli(['reconcile', '--json'], { DATABASE_URL: empty.url }, json.io)).toBe(1);
    expect(JSON.parse(json.out[0]!)).toEqual({ checked: 2, mismatches: [{ userId: a.userId, xp: 37, ledgerXp: 30 }] });
  });
});

describe('ttfd season', () => {
  it('closes the open season and opens the named next one', async () => {
    const c = capture();
    expect(await runCli(['season', 'close', '--next', 'Spring'], { DATABASE_URL: empty.url }, c.io)).toBe(0);
    expect(c.out).toEqual(['Closed "Season 1" with 2 ranked player(s); "Spring" is open.']);
    const usage = capture();
    expect(await runCli(['season', 'open'], { DATABASE_URL: empty.url }, usage.io)).toBe(2);
    expect(usage.out).toEqual(['Usage: ttfd season close [--next <name>]']);
  });
});

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ttfd db wait', () => {
  const target = (url: string) => `127.0.0.1:${new URL(url).port}${new URL(url).pathname}`;

  it('exits 0 at once when the database answers', async () => {
    const c = capture();
    const started = Date.now();
    expect(await runCli(['db', 'wait', '--timeout', '5'], { DATABASE_URL: empty.url }, c.io)).toBe(0);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(c.out[0]).toBe(`Waiting up to 5 s for the database at ${target(empty.url)} to answer SELECT 1.`);
    expect(c.out[1]).toMatch(new RegExp(`^The database at ${target(empty.url)} answered after 0\\.\\d s\\.$`));
    expect(c.err).toEqual([]);
  });

  it('retries until the database comes up', async () => {
    // Accepts and drops connections (as a starting server does) until upAt, then forwards to PostgreSQL.
    const upAt = Date.now() + 800;
    const dropped: number[] = [];
    const db = new URL(empty.url);
    const server = net.createServer((client) => {
      if (Date.now() < upAt) {
        dropped.push(Date.now());
        client.destroy();
        return;
      }
      const upstream = net.connect(Number(db.port), db.hostname);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const url = new URL(empty.url);
    url.port = String((server.address() as net.AddressInfo).port);
    const c = capture();
    try {
      expect(await runCli(['db', 'wait', '--timeout', '10'], { DATABASE_URL: url.toString() }, c.io)).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(Date.now()).toBeGreaterThanOrEqual(upAt);
    expect(dropped.length).toBeGreaterThanOrEqual(2);
    expect(c.out.at(-1)).toMatch(/answered after \d\.\d s\.$/);
    expect(c.out.filter((l) => l.startsWith('Not yet'))).toHaveLength(1);
  });

  it('exits 1 within the timeout with one sentence when nothing listens', async () => {
    const url = new URL(empty.url);
    url.port = String(await closedPort());
    const c = capture();
    const started = Date.now();
    expect(await runCli(['db', 'wait', '--timeout', '1.5'], { DATABASE_URL: url.toString() }, c.io)).toBe(1);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1200);
    expect(elapsed).toBeLessThanOrEqual(1500 + 200);
    expect(c.err).toEqual([
      `The database at ${target(url.toString())} did not answer within 1.5 s (last error: connect ECONNREFUSED 127.0.0.1:${url.port}).`,
    ]);
  });

  it('names its usage for a bad timeout (exit 2)', async () => {
    const c = capture();
    expect(await runCli(['db', 'wait', '--timeout', 'soon'], { DATABASE_URL: empty.url }, c.io)).toBe(2);
    expect(c.err).toEqual(['Usage: ttfd db wait [--timeout <seconds>] (the timeout is a positive number of seconds)']);
  });
});

describe('bad input', () => {
  it('names a missing DATABASE_URL and exits 78', async () => {
    const c = capture();
    expect(await runCli(['migrate'], {}, c.io)).toBe(78);
    expect(c.err.join('\n')).toContain('DATABASE_URL: is required but not set');
  });

  it('names an invalid DATABASE_URL', async () => {
    const c = capture();
    expect(await runCli(['reconcile'], { DATABASE_URL: 'mysql://nope' }, c.io)).toBe(78);
    expect(c.err.join('\n')).toContain('DATABASE_URL: must be a postgres:// or postgresql:// connection URL');
  });

  it('says clearly when the database cannot be reached', async () => {
    const c = capture();
    const url = new URL(empty.url);
    url.port = '1';
    expect(await runCli(['migrate'], { DATABASE_URL: url.toString() }, c.io)).toBe(1);
    expect(c.err[0]).toMatch(/^Cannot connect to the database in DATABASE_URL: /);
  });

  it('lists the commands for an unknown one (exit 2)', async () => {
    const c = capture();
    expect(await runCli(['frobnicate'], {}, c.io)).toBe(2);
    expect(c.err[0]).toContain('Unknown command "frobnicate"');
    expect(c.err[0]).toContain('reconcile [--json]');
  });
});

it('leaves no connection behind', async () => {
  const client = new Client({ connectionString: empty.url });
  await client.connect();
  const { rows } = await client.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name IN ('ttfd-migrate', 'ttfd-reconcile', 'ttfd-db')`,
  );
  await client.end();
  expect(rows[0].n).toBe(0);
});
