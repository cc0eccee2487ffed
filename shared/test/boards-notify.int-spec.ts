import { Client } from 'pg';
import {
  BOARDS_CHANNEL,
  createLinking,
  createProgression,
  createWake,
  eraseAccount,
  setPrivacy,
  type Progression,
} from '@ttfd/shared';
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

describe('changes of who shows on the boards send the notice too', () => {
  /** Waits out any notice still due from earlier changes; then counts from here. */
  async function quiet(): Promise<number> {
    await sleep(1_200);
    return heard.length;
  }

  it('a player hiding from the boards or showing again; not a player hiding only their page', async () => {
    const { userId } = await progression.ensureUser({ platform: 'telegram', id: 880101 });
    const before = await quiet();
    await setPrivacy(db.pool, { userId, profileHidden: true });
    await sleep(300);
    expect(heard.length).toBe(before);
    await setPrivacy(db.pool, { userId, leaderboardAnonymous: true });
    await waitUntil(() => heard.length === before + 1, 1_000, 'the notice of the hidden player');
    await setPrivacy(db.pool, { userId, leaderboardAnonymous: false });
    await waitUntil(() => heard.length === before + 2, 1_000, 'the notice of the shown player');
  });

  it('an erased account, and a merge once it commits', async () => {
    const linking = createLinking({ pool: db.pool, wake: createWake(db.pool), now: () => new Date() });
    const erased = await progression.ensureUser({ platform: 'telegram', id: 880102 });
    let before = await quiet();
    expect(await eraseAccount(linking, db.pool, { userId: erased.userId, now: new Date() })).toEqual({
      status: 'erased',
    });
    await waitUntil(() => heard.length === before + 1, 1_000, 'the notice of the erased account');

    const telegram = { platform: 'telegram', id: 880103 } as const;
    const discord = { platform: 'discord', id: '880104000000000000' } as const;
    await progression.ensureUser(telegram);
    await progression.ensureUser(discord);
    before = await quiet();
    const asked = await linking.redeemLinkCode(discord, (await linking.createLinkCode(telegram)).code);
    expect(asked.status).toBe('needs_confirmation');
    // Asking merges nothing (its preview is rolled back): no notice.
    await sleep(300);
    expect(heard.length).toBe(before);
    if (asked.status !== 'needs_confirmation') throw new Error('no confirmation asked');
    expect((await linking.confirmMerge({ confirmToken: asked.confirmToken, by: discord })).status).toBe('merged');
    await waitUntil(() => heard.length === before + 1, 1_000, 'the notice of the merge');
  });
});
