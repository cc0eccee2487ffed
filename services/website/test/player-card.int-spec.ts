import {
  createProgression,
  createWake,
  findLeaderboard,
  findProfile,
  RANK_CARD_HEIGHT,
  RANK_CARD_WIDTH,
  rankCardOf,
  renderRankCard,
  setPrivacy,
  type Progression,
} from '@ttfd/shared';
import { startTestWebsite, type TestAgent, type TestWebsite } from './harness';
import { signedInAs } from './signed-in';

let site: TestWebsite;
let progression: Progression;

beforeAll(async () => {
  site = await startTestWebsite({ env: { PUBLIC_URL: 'https://ttfd.example.org/' } });
  progression = createProgression({ pool: site.db.pool, wake: createWake(site.db.pool) });
});
afterAll(() => site.stop());

let next = 8_100;
async function player(name: string, xp = 450): Promise<string> {
  const id = ++next;
  const { userId } = await progression.award({
    player: { platform: 'telegram', id },
    xp,
    coins: 0,
    reason: 'game',
    source: 'telegram',
    profile: { displayName: name },
  });
  return userId;
}

const getPng = (browser: TestAgent, path: string) => browser.get(path).buffer(true).responseType('blob');

/** Width and height from a PNG's header; throws when the bytes are not a PNG. */
function pngSize(png: Buffer): { width: number; height: number } {
  if (!png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    throw new Error('not a PNG signature');
  }
  if (png.subarray(12, 16).toString('latin1') !== 'IHDR') throw new Error('no IHDR chunk first');
  if (png.subarray(png.length - 8, png.length - 4).toString('latin1') !== 'IEND') throw new Error('no IEND chunk last');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The card as the Discord bot would draw it for this player, under `name`. */
async function expectedCard(userId: string, name: string, locale: 'ru' | 'en'): Promise<Buffer> {
  const profile = await findProfile(site.db.pool, userId, { recent: 0 });
  const board = await findLeaderboard(site.db.pool, { board: 'overall', viewerId: userId, limit: 1 });
  return renderRankCard(rankCardOf(profile!, { locale, position: board.viewer!.position, avatar: null, name }));
}

describe('GET /players/:id/card.png', () => {
  it('is the rank card as a PNG of the card size, in the viewer’s language, cached briefly', async () => {
    const id = await player('Vera');
    const res = await getPng(site.browser(), `/players/${id}/card.png`).set('accept-language', 'en').expect(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(pngSize(res.body)).toEqual({ width: RANK_CARD_WIDTH, height: RANK_CARD_HEIGHT });
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(res.body.equals(await expectedCard(id, 'Vera', 'en'))).toBe(true);
    // Russian for a Russian browser, and `?lang=` (the page's share tags) wins over the header.
    const ru = await getPng(site.browser(), `/players/${id}/card.png`).set('accept-language', 'ru').expect(200);
    expect(ru.body.equals(await expectedCard(id, 'Vera', 'ru'))).toBe(true);
    expect(ru.headers.etag).not.toBe(res.headers.etag);
    const asked = await getPng(site.browser(), `/players/${id}/card.png?lang=en`).set('accept-language', 'ru');
    expect(asked.headers.etag).toBe(res.headers.etag);
    await site.browser().get(`/players/${id}/card.png?lang=de`).expect(400);
  });

  it('answers 304 to a repeated fetch, and a new card once the XP changed', async () => {
    const id = await player('Gleb');
    const first = await getPng(site.browser(), `/players/${id}/card.png`).set('accept-language', 'en').expect(200);
    const again = await site
      .browser()
      .get(`/players/${id}/card.png`)
      .set('accept-language', 'en')
      .set('if-none-match', first.headers.etag!)
      .expect(304);
    expect(again.text ?? '').toBe('');
    expect(again.headers.etag).toBe(first.headers.etag);
    await progression.award({ player: { userId: id }, xp: 10, coins: 0, reason: 'game', source: 'telegram' });
    const changed = await getPng(site.browser(), `/players/${id}/card.png`)
      .set('accept-language', 'en')
      .set('if-none-match', first.headers.etag!)
      .expect(200);
    expect(changed.headers.etag).not.toBe(first.headers.etag);
    expect(changed.body.equals(await expectedCard(id, 'Gleb', 'en'))).toBe(true);
  });

  it('is 404 for a hidden page (to everyone but its owner) and for nobody', async () => {
    const id = await player('Hanna');
    await setPrivacy(site.db.pool, { userId: id, profileHidden: true });
    await site.browser().get(`/players/${id}/card.png`).expect(404);
    const other = await signedInAs(site, await player('Other'));
    await other.browser.get(`/players/${id}/card.png`).expect(404);
    const owner = await signedInAs(site, id);
    const own = await getPng(owner.browser, `/players/${id}/card.png`).expect(200);
    expect(own.headers['cache-control']).toBe('private, max-age=300');
    await site.browser().get('/players/999999999/card.png').expect(404);
    await site.browser().get('/players/abc/card.png').expect(400);
  });

  it('never draws the name of an anonymised player', async () => {
    const id = await player('Secret Sonya');
    await setPrivacy(site.db.pool, { userId: id, leaderboardAnonymous: true });
    const res = await getPng(site.browser(), `/players/${id}/card.png`).set('accept-language', 'en').expect(200);
    expect(res.body.equals(await expectedCard(id, 'Hidden player', 'en'))).toBe(true);
    expect(res.body.equals(await expectedCard(id, 'Secret Sonya', 'en'))).toBe(false);
    const page = await site.browser().get(`/players/${id}`).set('accept-language', 'en').expect(200);
    const head = page.text.slice(0, page.text.indexOf('</head>'));
    expect(head).toContain('<meta property="og:title" content="Hidden player: profile" />');
    expect(head.match(/<meta[^>]*(og|twitter):[^>]*>/g)!.join('\n')).not.toContain('Sonya');
  });
});

describe('the public player page', () => {
  it('shares the rank card: Open Graph and Twitter tags with absolute URLs from PUBLIC_URL', async () => {
    const id = await player('Mira', 1_234);
    const page = await site.browser().get(`/players/${id}`).set('accept-language', 'en').expect(200);
    const meta = (attr: string, key: string) =>
      new RegExp(`<meta ${attr}="${key}" content="([^"]*)" />`).exec(page.text)?.[1];
    const image = `https://ttfd.example.org/players/${id}/card.png?lang=en`;
    expect(meta('property', 'og:image')).toBe(image);
    expect(meta('property', 'og:url')).toBe(`https://ttfd.example.org/players/${id}`);
    expect(meta('property', 'og:title')).toBe('Mira: profile');
    expect(meta('property', 'og:description')).toMatch(/^\S.* · 1,234 XP$/);
    expect(meta('property', 'og:image:width')).toBe(String(RANK_CARD_WIDTH));
    expect(meta('property', 'og:image:height')).toBe(String(RANK_CARD_HEIGHT));
    expect(meta('name', 'twitter:card')).toBe('summary_large_image');
    expect(meta('name', 'twitter:image')).toBe(image);
    // The image the tags name is served by this site.
    const card = await getPng(site.browser(), new URL(image).pathname + new URL(image).search).expect(200);
    expect(pngSize(card.body)).toEqual({ width: RANK_CARD_WIDTH, height: RANK_CARD_HEIGHT });
    // A Russian visitor shares the Russian card.
    const ru = await site.browser().get(`/players/${id}`).set('accept-language', 'ru').expect(200);
    expect(ru.text).toContain(
      `<meta property="og:image" content="https://ttfd.example.org/players/${id}/card.png?lang=ru" />`,
    );
  });
});
