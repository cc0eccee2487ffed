import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';
import { runCli } from '../src/cli';

let db: TestDatabase;
let dead: string[];
let pending: string;

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    ['events', ...args],
    { DATABASE_URL: db.url },
    { out: (l) => out.push(l), err: (l) => err.push(l) },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
  const { rows: users } = await db.pool.query(
    `INSERT INTO unified_users (telegram_id, primary_platform) VALUES (1, 'telegram'), (2, 'telegram') RETURNING id`,
  );
  const { rows } = await db.pool.query(
    `INSERT INTO cross_platform_events (user_id, event_type, source_platform, data, created_at, processed, processed_at, outcome, attempts, dead_at, last_error)
     VALUES ($1, 'xp_change', 'telegram', '{}', now() - interval '90 seconds', true, now(), 'ok', 1, NULL, NULL),
            ($1, 'achievement_unlocked', 'telegram', '{}', now() - interval '80 seconds', false, NULL, 'dead', 1, now() - interval '1 minute', 'telegram: 403 Forbidden: bot was blocked by the user'),
            ($2, 'mystery_box', 'discord', '{}', now() - interval '70 seconds', false, NULL, 'dead', 1, now(), 'unknown event type "mystery_box": no handler for it'),
            ($2, 'xp_change', 'discord', '{}', now() - interval '65 seconds', false, NULL, NULL, 0, NULL, NULL)
     RETURNING id`,
    [users[0].id, users[1].id],
  );
  dead = [rows[1].id, rows[2].id];
  pending = rows[3].id;
});
afterAll(async () => {
  await db.drop();
});

describe('ttfd events', () => {
  it('stats: the backlog, its age, dead letters and throughput, as text and JSON', async () => {
    const text = await cli('stats');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^pending: +1 \(0 waiting for a retry\)$/m);
    expect(text.out).toMatch(/^oldest: +6\d\.\d s$/m);
    expect(text.out).toMatch(/^dead: +2 \(list them with: events dead\)$/m);
    expect(text.out).toMatch(/^throughput: +0\.0\/s over the last minute, 0\.0\/s over 5 minutes$/m);
    const json = JSON.parse((await cli('stats', '--json')).out);
    expect(json).toMatchObject({
      pending: 1,
      waiting_retry: 0,
      dead: 2,
      processed_last_minute: 1,
      processed_last_5_minutes: 1,
    });
    expect(json.oldest_pending_age_seconds).toBeGreaterThanOrEqual(65);
  });

  it('dead: newest first with the error that put each there', async () => {
    const text = await cli('dead');
    expect(text.code).toBe(0);
    const lines = text.out.split('\n');
    expect(lines[0]).toMatch(
      new RegExp(`^${dead[1]}  #3  mystery_box of user \\d+ \\(from discord\\), dead .* after 1 attempt\\(s\\)$`),
    );
    expect(lines[1]).toBe('    unknown event type "mystery_box": no handler for it');
    expect(lines[3]).toBe('    telegram: 403 Forbidden: bot was blocked by the user');
    expect(lines.at(-1)).toBe('2 dead event(s) shown. Replay with: events replay <id> | --all-dead');
    const json = JSON.parse((await cli('dead', '--json', '--limit', '1')).out);
    expect(json).toEqual([expect.objectContaining({ id: dead[1], eventType: 'mystery_box', attempts: 1 })]);
  });

  it('replay: refuses bad input, leaves an event that is not dead alone, and wakes the workers', async () => {
    expect(await cli('replay')).toMatchObject({ code: 2 });
    expect(await cli('replay', 'not-an-id')).toMatchObject({
      code: 2,
      out: expect.stringContaining('Not an event id: not-an-id'),
    });
    expect(await cli('nonsense')).toMatchObject({ code: 2 });
    const notDead = await cli('replay', pending);
    expect(notDead).toMatchObject({ code: 1 });
    expect(notDead.out).toBe(
      `${pending}: not dead (unknown, pending or already processed); left alone\nReplayed 0 event(s).`,
    );

    const listener = new Client({ connectionString: db.url });
    await listener.connect();
    let woken = 0;
    listener.on('notification', () => woken++);
    await listener.query('LISTEN ttfd_events');
    try {
      expect(await cli('replay', '--all-dead')).toMatchObject({ code: 0, out: 'Replayed 2 event(s).' });
      const { rows } = await db.pool.query(
        `SELECT dead_at, outcome, attempts, processed FROM cross_platform_events WHERE id = ANY($1)`,
        [dead],
      );
      expect(rows).toEqual([
        { dead_at: null, outcome: null, attempts: 0, processed: false },
        { dead_at: null, outcome: null, attempts: 0, processed: false },
      ]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(woken).toBeGreaterThan(0);
      expect((await cli('dead')).out).toBe('No dead events.');
    } finally {
      await listener.end();
    }
  });
});
