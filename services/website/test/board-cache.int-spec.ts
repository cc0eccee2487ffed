import { createProgression, createWake, setPrivacy, type Progression } from '@ttfd/shared';
import { createTestDatabase, waitUntil, type TestDatabase } from '@ttfd/testing';
import { startTestWebsite, visibleText, type TestWebsite } from './harness';
import { signedInAs } from './signed-in';

let db: TestDatabase;
let progression: Progression;
/** Account ids in board order: five players with XP 500, 400, ... 100. */
let ids: string[];

beforeAll(async () => {
  db = await createTestDatabase();
  progression = createProgression({ pool: db.pool, wake: createWake(db.pool) });
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO unified_users (telegram_id, primary_platform, display_name, xp)
     SELECT 700000 + g, 'telegram', 'Kept ' || g, (6 - g) * 100 FROM generate_series(1, 5) g RETURNING id`,
  );
  ids = rows.map((r) => r.id);
});
afterAll(() => db.drop());

/** The names on the first page of the overall board, best first. */
async function board(site: TestWebsite, cookie?: string): Promise<string[]> {
  const req = site.browser().get('/leaderboard').set('accept-language', 'en');
  if (cookie) req.set('Cookie', cookie);
  const res = await req.expect(200);
  return [...res.text.matchAll(/<a href="\/players\/\d+">([^<]+)<\/a>/g)].map((m) => m[1]!);
}

/** An XP change that bypasses the award path: the counters see it, no NOTIFY says so. */
const setXpQuietly = (id: string, xp: number) =>
  db.pool.query('UPDATE unified_users SET xp = $2 WHERE id = $1', [id, xp]);

describe('a replica keeping the pages of the boards (LEADERBOARD_CACHE_MS)', () => {
  let site: TestWebsite;
  beforeAll(async () => {
    site = await startTestWebsite({ db, env: { LEADERBOARD_CACHE_MS: '60000' } });
    // Its LISTEN connection is up (coming up, it drops whatever the replica kept).
    await waitUntil(() => site.logs.some((r) => r.msg === 'listening for new events'), 10_000, 'the listener');
  });
  afterAll(() => site.stop());

  it('serves a kept page until an award moves a player, then shows the move', async () => {
    expect(await board(site)).toEqual(['Kept 1', 'Kept 2', 'Kept 3', 'Kept 4', 'Kept 5']);
    // Nothing announced this change: the kept page is what the next visitor gets.
    await setXpQuietly(ids[4]!, 450);
    expect(await board(site)).toEqual(['Kept 1', 'Kept 2', 'Kept 3', 'Kept 4', 'Kept 5']);
    // An award (the real write path) announces that the boards changed; the page follows
    // in moments, not after the 60 s the replica may keep it.
    await progression.award({ player: { userId: ids[3]! }, xp: 1000, coins: 0, reason: 'game', source: 'telegram' });
    await waitUntil(async () => (await board(site))[0] === 'Kept 4', 5_000, 'the award on the page');
    expect(await board(site)).toEqual(['Kept 4', 'Kept 1', 'Kept 5', 'Kept 2', 'Kept 3']);
  });

  it('drops what it kept when its LISTEN connection comes back, since notices sent meanwhile are lost', async () => {
    const before = await board(site);
    // A change nobody announces: the kept page stays as it was.
    await setXpQuietly(ids[4]!, 2000);
    expect(await board(site)).toEqual(before);
    // The server ends the replica's LISTEN connection (a restart, a failover); the replica
    // reconnects and, having missed whatever was said in between, serves the board afresh.
    const listening = site.logs.filter((r) => r.msg === 'listening for new events').length;
    await db.terminate('ttfd-website-live');
    await waitUntil(
      () => site.logs.filter((r) => r.msg === 'listening for new events').length > listening,
      15_000,
      'the LISTEN connection back',
    );
    expect((await board(site))[0]).toBe('Kept 5');
  });

  it('gives every visitor the kept page with their own CSRF token and the address they asked at', async () => {
    const seen = async (path: string, language = 'en') => {
      const browser = site.browser();
      const res = await browser.get(path).set('accept-language', language).expect(200);
      const tokens = [...res.text.matchAll(/(?:name="_csrf" value|name="csrf-token" content)="([^"]+)"/g)].map(
        (m) => m[1]!,
      );
      const back = /name="back"\s+value="([^"]+)"/.exec(res.text)?.[1];
      return { browser, text: res.text, tokens, back };
    };
    const first = await seen('/leaderboard');
    const second = await seen('/leaderboard');
    // The meta tag and the language switch's form, each with the visitor's own token.
    expect(first.tokens).toHaveLength(2);
    expect(new Set(first.tokens).size).toBe(1);
    expect(new Set(second.tokens).size).toBe(1);
    expect(second.tokens[0]).not.toBe(first.tokens[0]);
    expect(second.text.replaceAll(second.tokens[0]!, 'TOKEN')).toBe(first.text.replaceAll(first.tokens[0]!, 'TOKEN'));
    // The token on the kept page is the one this visitor's cookie carries: the switch works.
    await second.browser
      .post('/locale')
      .type('form')
      .send({ _csrf: second.tokens[0], locale: 'ru', back: second.back })
      .expect(303)
      .expect('location', '/leaderboard');
    // The same page asked at another address returns there; in Russian, it is in Russian.
    expect((await seen('/leaderboard?page=1')).back).toBe('/leaderboard?page=1');
    expect((await seen('/leaderboard')).back).toBe('/leaderboard');
    const russian = await seen('/leaderboard', 'ru');
    expect(russian.text).toContain('<html lang="ru">');
    expect(new Set(russian.tokens).size).toBe(1);
  });

  it("marks the viewer's own row on a kept page, with their own name when they are hidden", async () => {
    // Hiding from the boards announces itself like an award: the kept page (kept for 60 s
    // here) drops the name in moments.
    await setPrivacy(db.pool, { userId: ids[1]!, leaderboardAnonymous: true });
    await waitUntil(async () => !(await board(site)).includes('Kept 2'), 5_000, 'the hidden player');
    const { cookie } = await signedInAs(site, ids[1]!);
    const own = await site.browser().get('/leaderboard').set('Cookie', cookie).expect(200);
    expect(visibleText(own.text)).toContain('Kept 2 (you)');
    expect(own.text.match(/class="me"/g)).toHaveLength(1);
    // The same kept page to a visitor: hidden, unmarked.
    const visitor = await site.browser().get('/leaderboard').set('accept-language', 'en').expect(200);
    expect(visitor.text).not.toContain('Kept 2');
    expect(visitor.text).not.toContain('class="me"');
    expect(visibleText(visitor.text)).toContain('Hidden player');
    await setPrivacy(db.pool, { userId: ids[1]!, leaderboardAnonymous: false });
  });
});

describe('two replicas keeping the boards', () => {
  let replicas: TestWebsite[];
  beforeAll(async () => {
    replicas = await Promise.all([1, 2].map(() => startTestWebsite({ db, env: { LEADERBOARD_CACHE_MS: '60000' } })));
    for (const replica of replicas) {
      await waitUntil(() => replica.logs.some((r) => r.msg === 'listening for new events'), 10_000, 'the listener');
    }
  });
  afterAll(() => Promise.all(replicas.map((replica) => replica.stop())));

  it("both drop their pages and the player's kept place when an award is made elsewhere", async () => {
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO unified_users (telegram_id, primary_platform, display_name, xp) VALUES (700099, 'telegram', 'Climber', 1)
       RETURNING id`,
    );
    const climber = rows[0]!.id;
    // One session, read by either replica (sessions live in PostgreSQL).
    const { cookie } = await signedInAs(replicas[0]!, climber);
    const place = async (replica: TestWebsite) =>
      (await replica.browser().get('/api/v1/leaderboard?around=me').set('Cookie', cookie).expect(200)).body.viewer
        .position as number;
    const before = await Promise.all(replicas.map(place));
    expect(before[0]).toBeGreaterThan(1);
    expect(before[1]).toBe(before[0]);
    const tops = await Promise.all(replicas.map(async (replica) => (await board(replica))[0]));

    await progression.award({ player: { userId: climber }, xp: 3000, coins: 0, reason: 'game', source: 'telegram' });
    for (const replica of replicas) {
      await waitUntil(async () => (await board(replica))[0] === 'Climber', 5_000, 'the award on each replica');
      expect(await place(replica)).toBe(1);
    }
    expect(tops).not.toContain('Climber');
  });
});

describe('with LEADERBOARD_CACHE_MS=0', () => {
  let site: TestWebsite;
  beforeAll(async () => {
    site = await startTestWebsite({ db, env: { LEADERBOARD_CACHE_MS: '0' } });
  });
  afterAll(() => site.stop());

  it('reads the board on every request: a change shows at once', async () => {
    await progression.award({ player: { userId: ids[2]! }, xp: 5000, coins: 0, reason: 'game', source: 'telegram' });
    expect((await board(site))[0]).toBe('Kept 3');
    await setXpQuietly(ids[2]!, 1);
    expect((await board(site))[0]).not.toBe('Kept 3');
  });
});
