import { createHash, createHmac } from 'node:crypto';
import {
  createLinking,
  createProgression,
  createWake,
  telegramDataCheckString,
  type Linking,
  type Progression,
} from '@ttfd/shared';
import { csrfOf, startTestWebsite, visibleText, type TestAgent, type TestWebsite } from './harness';

const BOT_TOKEN = '123456:test-telegram-login-token';
let site: TestWebsite;
let linking: Linking;
let progression: Progression;

beforeAll(async () => {
  site = await startTestWebsite({ env: { TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_BOT_USERNAME: 'ttfd_test_bot' } });
  const wake = createWake(site.db.pool);
  linking = createLinking({ pool: site.db.pool, wake });
  progression = createProgression({ pool: site.db.pool, wake });
});
afterAll(() => site.stop());

let n = 0;
async function signedIn(name: string): Promise<TestAgent> {
  const browser = site.browser();
  const csrf = await csrfOf(browser, '/signup');
  await browser
    .post('/signup')
    .type('form')
    .send({ _csrf: csrf, email: `${name}${++n}@example.org`, password: 'a long enough passphrase', display_name: name })
    .expect(303);
  return browser;
}

async function post(browser: TestAgent, path: string, fields: Record<string, string>) {
  const csrf = await csrfOf(browser, '/profile');
  return browser
    .post(path)
    .set('accept-language', 'en')
    .type('form')
    .send({ _csrf: csrf, ...fields });
}

const page = async (browser: TestAgent, path: string) =>
  visibleText((await browser.get(path).set('accept-language', 'en').expect(200)).text);

/** What the Login Widget sends back, signed as Telegram signs it. */
function widgetPayload(fields: Record<string, string>, token = BOT_TOKEN): Record<string, string> {
  const hash = createHmac('sha256', createHash('sha256').update(token).digest())
    .update(telegramDataCheckString(fields))
    .digest('hex');
  return { ...fields, hash };
}

const asForm = (payload: Record<string, string>) =>
  Object.fromEntries(Object.entries(payload).map(([k, v]) => [`tg_${k}`, v]));

describe('link codes', () => {
  it('a code made on the website, entered in Telegram and confirmed there, merges the stats', async () => {
    const browser = await signedIn('Anna');
    const created = await post(browser, '/link/codes', {});
    expect(created.status).toBe(200);
    const code = /id="link-code">([A-Z0-9]+)</.exec(created.text)?.[1];
    expect(code).toMatch(/^[A-Z0-9]{10}$/);
    expect(created.text).toContain(`https://t.me/ttfd_test_bot?start=link_${code}`);

    const telegram = { platform: 'telegram' as const, id: '5550001' };
    await progression.award({ player: telegram, xp: 120, coins: 7, reason: 'game', source: 'telegram' });
    const asked = await linking.redeemLinkCode(telegram, code!);
    expect(asked.status).toBe('needs_confirmation');
    if (asked.status !== 'needs_confirmation') return;
    expect((await linking.confirmMerge({ confirmToken: asked.confirmToken, by: telegram })).status).toBe('merged');

    const profile = await page(browser, '/profile');
    expect(profile).toContain('Telegram: linked');
    expect(profile).toMatch(/XP 120 /);
    expect(profile).toContain('(via Telegram)');
  });

  it('a code made in Telegram, entered on the website, names the other account before merging', async () => {
    const browser = await signedIn('Boris');
    const telegram = { platform: 'telegram' as const, id: '5550002' };
    await progression.ensureUser(telegram, { username: 'boris_tg', displayName: 'Boris in Telegram' });
    await progression.award({ player: telegram, xp: 40, coins: 3, reason: 'game', source: 'telegram' });
    const { code } = await linking.createLinkCode(telegram);

    const redeemed = await post(browser, '/link/redeem', { code: code.toLowerCase() });
    expect(redeemed.status).toBe(303);
    expect(redeemed.headers.location).toBe('/link/confirm');
    const confirm = await page(browser, '/link/confirm');
    expect(confirm).toContain('Telegram: …0002');
    expect(confirm).toContain('Boris in Telegram');
    expect(confirm).toContain('@boris_tg');
    expect(confirm).toContain('Together: 40 XP and 3 coins.');

    const token = /name="confirm_token" value="([^"]+)"/.exec((await browser.get('/link/confirm')).text)?.[1];
    // Another player cannot use this player's confirmation.
    const stranger = await signedIn('Stranger');
    const stolen = await post(stranger, '/link/confirm', { confirm_token: token!, action: 'confirm' });
    expect(stolen.headers.location).toBe('/link');
    expect(await page(stranger, '/link')).toContain('This confirmation has expired');

    const done = await post(browser, '/link/confirm', { confirm_token: token!, action: 'confirm' });
    expect(done.headers.location).toBe('/profile');
    const profile = await page(browser, '/profile');
    expect(profile).toContain('The accounts are one now.');
    expect(profile).toMatch(/XP 40 /);
    // Used once.
    const again = await post(browser, '/link/confirm', { confirm_token: token!, action: 'confirm' });
    expect(again.headers.location).toBe('/link');
  });

  it('cancelling links nothing', async () => {
    const browser = await signedIn('Vera');
    const { code } = await linking.createLinkCode({ platform: 'telegram', id: '5550003' });
    await post(browser, '/link/redeem', { code });
    const token = /name="confirm_token" value="([^"]+)"/.exec((await browser.get('/link/confirm')).text)?.[1];
    const res = await post(browser, '/link/confirm', { confirm_token: token!, action: 'cancel' });
    expect(res.headers.location).toBe('/link');
    expect(await page(browser, '/link')).toContain('Nothing was linked.');
    const { rows } = await site.db.pool.query(
      `SELECT count(*)::int AS n FROM unified_users WHERE telegram_id = 5550003`,
    );
    expect(rows[0].n).toBe(1);
  });

  it('says "invalid or expired" for a wrong code, and refuses bad input', async () => {
    const browser = await signedIn('Gleb');
    const res = await post(browser, '/link/redeem', { code: 'ZZZZZZZZZZ' });
    expect(res.headers.location).toBe('/link');
    expect(await page(browser, '/link')).toContain('Invalid or expired code.');
    expect((await post(browser, '/link/redeem', { code: '' })).status).toBe(400);
    expect((await post(browser, '/link/confirm', { confirm_token: 'x', action: 'steal' })).status).toBe(400);
    expect((await post(browser, '/link/unlink', { platform: 'myspace' })).status).toBe(400);
  });

  it('keeps linking for signed-in players', async () => {
    const visitor = site.browser();
    expect((await visitor.get('/link')).headers.location).toBe('/login?next=%2Flink');
    const csrf = await csrfOf(visitor, '/');
    expect((await visitor.post('/link/codes').type('form').send({ _csrf: csrf })).status).toBe(401);
  });
});

describe('the Telegram Login Widget', () => {
  const now = () => String(Math.floor(Date.now() / 1000));

  it('links after the player confirms, once, and only in the session that showed the widget', async () => {
    const browser = await signedIn('Dasha');
    const link = await browser.get('/link').expect(200);
    expect(link.text).toContain('data-telegram-login="ttfd_test_bot"');
    expect(link.text).toContain('data-auth-url="http://127.0.0.1/link/telegram/callback"');
    const payload = widgetPayload({ id: '5550010', first_name: 'Dasha', username: 'dasha_tg', auth_date: now() });

    const asked = await browser.get('/link/telegram/callback').query(payload).set('accept-language', 'en').expect(200);
    expect(visibleText(asked.text)).toContain('Link the Telegram account @dasha_tg to your account?');

    // The same payload in another signed-in session (no widget shown there) proves nothing.
    const other = await signedIn('Other');
    expect((await post(other, '/link/telegram', asForm(payload))).status).toBe(303);
    expect(await page(other, '/link')).toContain('could not be checked or was already used');

    const res = await post(browser, '/link/telegram', asForm(payload));
    expect(res.headers.location).toBe('/profile');
    expect(await page(browser, '/profile')).toContain('Telegram: linked');

    // Replayed: the same payload links nothing again.
    await browser.get('/link');
    await post(browser, '/link/unlink', { platform: 'telegram' });
    const replay = await post(browser, '/link/telegram', asForm(payload));
    expect(replay.headers.location).toBe('/link');
    expect(await page(browser, '/link')).toContain('could not be checked or was already used');
  });

  it('refuses a forged or stale payload', async () => {
    const browser = await signedIn('Egor');
    await browser.get('/link').expect(200);
    const forged = widgetPayload({ id: '5550011', first_name: 'Egor', auth_date: now() }, '999:not-the-bot-token');
    expect((await post(browser, '/link/telegram', asForm(forged))).headers.location).toBe('/link');
    const tampered = { ...widgetPayload({ id: '5550011', auth_date: now() }), id: '5550012' };
    expect((await post(browser, '/link/telegram', asForm(tampered))).headers.location).toBe('/link');
    const stale = widgetPayload({ id: '5550011', auth_date: String(Math.floor(Date.now() / 1000) - 3600) });
    expect((await post(browser, '/link/telegram', asForm(stale))).headers.location).toBe('/link');
    const { rows } = await site.db.pool.query(`SELECT 1 FROM unified_users WHERE telegram_id IN (5550011, 5550012)`);
    expect(rows).toHaveLength(0);
    await browser.get('/link/telegram/callback').query({ id: '1' }).expect(400);
  });
});

describe('unlink', () => {
  it('unlinks a platform but never the last way in', async () => {
    const browser = await signedIn('Zoya');
    const only = await post(browser, '/link/unlink', { platform: 'website' });
    expect(only.headers.location).toBe('/profile');
    expect(await page(browser, '/profile')).toContain('This is the only way into your account');
  });
});
