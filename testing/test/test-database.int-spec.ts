/**
 * A test file's database sees and ends only its own server sessions: test files run side by
 * side on one server, and ending another file's connection fails that file (as it once did).
 */
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';

let mine: TestDatabase;
let other: TestDatabase;
const clients: Client[] = [];

beforeAll(async () => {
  [mine, other] = await Promise.all([createTestDatabase({ poolSize: 2 }), createTestDatabase({ poolSize: 2 })]);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await Promise.all([mine.drop(), other.drop()]);
});

async function connect(db: TestDatabase, application: string): Promise<Client> {
  const client = new Client({ connectionString: db.url, application_name: application });
  client.on('error', () => undefined);
  await client.connect();
  clients.push(client);
  return client;
}

it('finds and ends the sessions of its own database only, by application name', async () => {
  const own = await connect(mine, 'ttfd-kit-test:a');
  await connect(mine, 'ttfd-kit-test:b');
  const theirs = await connect(other, 'ttfd-kit-test:a');
  const pidOf = async (c: Client) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

  expect((await mine.backends('ttfd-kit-test:a')).map((b) => b.pid)).toEqual([await pidOf(own)]);
  expect(await mine.backends('ttfd-kit-test:%')).toHaveLength(2);
  expect(await mine.backends('ttfd-kit-test:%', { state: 'idle in transaction' })).toHaveLength(0);

  expect(await mine.terminate('ttfd-kit-test:a')).toBe(1);
  await expect(own.query('SELECT 1')).rejects.toThrow();
  await expect(theirs.query('SELECT 1')).resolves.toMatchObject({ rowCount: 1 });
});

it('tells a session waiting on a lock from one that is not', async () => {
  const holder = await connect(mine, 'ttfd-kit-test:holder');
  const waiter = await connect(mine, 'ttfd-kit-test:waiter');
  await holder.query('BEGIN');
  await holder.query('LOCK TABLE unified_users IN ACCESS EXCLUSIVE MODE');
  const waiting = waiter.query('SELECT count(*) FROM unified_users').catch((err: Error) => err);
  for (let i = 0; i < 100 && (await mine.backends('ttfd-kit-test:%', { waitingOnLock: true })).length === 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  expect((await mine.backends('ttfd-kit-test:%', { waitingOnLock: true })).map((b) => b.application)).toEqual([
    'ttfd-kit-test:waiter',
  ]);
  expect(await mine.terminate('ttfd-kit-test:%', { waitingOnLock: true })).toBe(1);
  expect(await waiting).toBeInstanceOf(Error);
  await holder.query('COMMIT');
});
