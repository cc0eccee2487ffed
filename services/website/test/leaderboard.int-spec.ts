import { setPrivacy } from '@ttfd/shared';
import { startTestWebsite, visibleText, type TestWebsite } from './harness';
import { signedInAs } from './signed-in';

let site: TestWebsite;
/** Account ids in board order: 45 players with XP 4500, 4400, ... 100 and season XP the other way round. */
let ids: string[];

beforeAll(async () => {
  site = await startTestWebsite();
  const { rows } = await site.db.pool.query<{ id: string }>(
    `INSERT INTO unified_users (telegram_id, primary_platform, display_name, xp, current_season_xp)
     SELECT 800000 + g, 'telegram', 'Player ' || g, (46 - g) * 100, g * 10 FROM generate_series(1, 45) g RETURNING id`,
  );
  ids = rows.map((r) => r.id);
});
afterAll(() => site.stop());

describe('GET /api/v1/leaderboard', () => {
  it('gives the first page of the overall board to a visitor', async () => {
    const res = await site.browser().get('/api/v1/leaderboard').expect(200);
    expect(res.body).toMatchObject({ board: 'overall', page: 1, size: 20, pages: 3, players: 45, viewer: null });
    expect(res.body.entries).toHaveLength(20);
    expect(res.body.entries[0]).toEqual({
      position: 1,
      name: 'Player 1',
      anonymous: false,
      userId: ids[0],
      score: 4500,
      you: false,
    });
  });

  it('pages to the end: the last page is short and a page past it is empty', async () => {
    const last = await site.browser().get('/api/v1/leaderboard?page=3').expect(200);
    expect(last.body.entries.map((e: { position: number }) => e.position)).toEqual([41, 42, 43, 44, 45]);
    const past = await site.browser().get('/api/v1/leaderboard?page=4').expect(200);
    expect(past.body).toMatchObject({ page: 4, pages: 3, entries: [] });
    const big = await site.browser().get('/api/v1/leaderboard?page=7&size=7').expect(200);
    expect(big.body.entries.map((e: { userId: string }) => e.userId)).toEqual(ids.slice(42, 45));
  });

  it('orders the season board by season XP', async () => {
    const res = await site.browser().get('/api/v1/leaderboard?board=season&size=3').expect(200);
    expect(res.body.entries.map((e: { userId: string; score: number }) => [e.userId, e.score])).toEqual([
      [ids[44], 450],
      [ids[43], 440],
      [ids[42], 430],
    ]);
  });

  it.each([
    ['page=0', 'page'],
    ['page=-1', 'page'],
    ['page=abc', 'page'],
    ['page=1.5', 'page'],
    ['size=0', 'size'],
    ['size=101', 'size'],
    ['board=weekly', 'board'],
    ['around=you', 'around'],
    ['sort=name', 'query'],
  ])('refuses ?%s with a 400 naming %s', async (query, field) => {
    const res = await site.browser().get(`/api/v1/leaderboard?${query}`).expect(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
  });

  it('marks the viewer and finds their page in one request (around=me)', async () => {
    const { browser } = await signedInAs(site, ids[32]!);
    const res = await browser.get('/api/v1/leaderboard?around=me').expect(200);
    expect(res.body.page).toBe(2);
    expect(res.body.viewer).toEqual({ position: 33, score: 1300, page: 2 });
    const mine = res.body.entries.filter((e: { you: boolean }) => e.you);
    expect(mine).toEqual([expect.objectContaining({ position: 33, userId: ids[32], you: true })]);
    const season = await browser.get('/api/v1/leaderboard?around=me&board=season&size=10').expect(200);
    expect(season.body.viewer).toEqual({ position: 13, score: 330, page: 2 });
  });

  it('gives a visitor asking for their position the first page', async () => {
    const res = await site.browser().get('/api/v1/leaderboard?around=me').expect(200);
    expect(res.body).toMatchObject({ page: 1, viewer: null });
  });
});

describe('the /leaderboard page', () => {
  it('shows a page with the viewer highlighted and a one-click link to their position', async () => {
    const { browser } = await signedInAs(site, ids[32]!);
    const first = await browser.get('/leaderboard').expect(200);
    expect(visibleText(first.text)).toContain('You are number 33. My position');
    expect(first.text).toContain('<a id="my-position" href="/leaderboard?board=overall&amp;page=2#me"');
    const second = await browser.get('/leaderboard?board=overall&page=2').expect(200);
    expect(second.text).toMatch(/<tr class="me" id="me" aria-current="true">\s*<td>33<\/td>/);
    expect(visibleText(second.text)).toContain('Page 2 of 3');
  });

  it('asks a visitor to log in for their position, and pages without JavaScript', async () => {
    const res = await site.browser().get('/leaderboard?page=2').set('accept-language', 'en').expect(200);
    const text = visibleText(res.text);
    expect(text).toContain('Log in to see your position.');
    expect(res.text).toContain('href="/leaderboard?board=overall&amp;page=3" rel="next"');
    expect(res.text).toContain('href="/leaderboard?board=overall&amp;page=1" rel="prev"');
    expect(res.text).not.toContain('class="me"');
  });

  it('says when a page is past the end, in Russian too', async () => {
    const res = await site.browser().get('/leaderboard?page=9').set('accept-language', 'ru').expect(200);
    expect(visibleText(res.text)).toContain('Эта страница за концом таблицы.');
  });

  it('answers a bad page number with the error page', async () => {
    const res = await site.browser().get('/leaderboard?page=zero').set('accept-language', 'en').expect(400);
    expect(visibleText(res.text)).toContain('The request was not understood');
  });
});

describe('anonymised players', () => {
  it('appear without name or page on the board, to others and in the API', async () => {
    await setPrivacy(site.db.pool, { userId: ids[1]!, leaderboardAnonymous: true });
    try {
      const api = await site.browser().get('/api/v1/leaderboard?size=3').expect(200);
      expect(api.body.entries[1]).toEqual({
        position: 2,
        name: null,
        anonymous: true,
        userId: null,
        score: 4400,
        you: false,
      });
      const page = await site.browser().get('/leaderboard?size=3').set('accept-language', 'en').expect(200);
      expect(visibleText(page.text)).toContain('2 Hidden player 4,400');
      expect(page.text).not.toContain(`/players/${ids[1]}`);
      expect(page.text).not.toContain('Player 2<');
      // The player still sees themself, marked as hidden to others.
      const { browser } = await signedInAs(site, ids[1]!);
      const own = await browser.get('/api/v1/leaderboard?size=3').expect(200);
      expect(own.body.entries[1]).toMatchObject({ name: 'Player 2', anonymous: true, userId: ids[1], you: true });
    } finally {
      await setPrivacy(site.db.pool, { userId: ids[1]!, leaderboardAnonymous: false });
    }
  });
});

describe('the API document', () => {
  it('describes the leaderboard, live and admin endpoints and leaves the pages out', async () => {
    const res = await site.browser().get('/api/v1/openapi.json').expect(200);
    const paths = Object.keys(res.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/leaderboard',
        '/api/v1/me/events',
        '/api/v1/events/stats',
        '/api/v1/events/dead',
        '/api/v1/events/{id}/replay',
      ]),
    );
    expect(paths).not.toContain('/leaderboard');
    expect(paths).not.toContain('/admin');
    expect(res.body.paths['/api/v1/leaderboard'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['board', 'page', 'size', 'around']),
    );
  });

  it('links the leaderboard from every page', async () => {
    const res = await site.browser().get('/').set('accept-language', 'en').expect(200);
    expect(res.text).toContain('<a href="/leaderboard">Leaderboard</a>');
  });
});
