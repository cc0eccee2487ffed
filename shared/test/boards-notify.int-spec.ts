import { Client } from 'pg';
import { BOARDS_CHANNEL, createProgression, createWake, type Progression } from '@ttfd/shared';
import { createTestDatabase, sleep, waitUntil, type TestDatabase } from '@ttfd/testing';

let db: TestDatabase;
let progression: Progression;
let listener: Client;
const heard: number[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 4 });
  progression = createProgression({ pool: db.pool, wake: createWake(db.pool) });
  listener = new Client({ connectionString: db.url });
  await listener.connect();
  listener.on('notification', (n) => {
    if (n.channel === BOARDS_CHANNEL) heard.push(performance.now());
  });
  await listener.query(`LISTEN ${BOARDS_CHANNEL}`);
});
afterAll(async () => {
  await listener.end();
  await db.drop();
});

describe('the boards-changed notice (NOTIFY ttfd_boards)', () => {
  it('goes out at once after a quiet interval, then at most once more per interval however many awards', async () => {
    const player = { platform: 'telegram', id: 880001 } as const;
    const start = performance.now();
    await progression.award({ player, xp: 10, coins: 0, reason: 'game', source: 'telegram' });
    await waitUntil(() => heard.length >= 1, 500, 'the first notice');
    for (let i = 0; i < 10; i++) {
      await progression.award({ player, xp: 10, coins: 0, reason: 'game', source: 'telegram' });
    }
    await sleep(1_500);
    // The first at once; the awards during that second, one more, with the fold.
    expect(heard.length).toBe(2);
    expect(heard[0]! - start).toBeLessThan(500);
    expect(heard[1]! - heard[0]!).toBeGreaterThanOrEqual(900);
  });
});
