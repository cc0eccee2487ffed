import { startFakeDiscord, type FakeDiscord } from '@ttfd/testing';
import { csrfOf, metricValue, startTestWebsite, visibleText, type TestAgent, type TestWebsite } from './harness';

let fake: FakeDiscord;
let site: TestWebsite;
const CALLBACK = 'http://127.0.0.1/auth/discord/callback';
const EVA = { id: '400000000000000001', username: 'eva', global_name: 'Eva' };

beforeAll(async () => {
  fake = await startFakeDiscord();
  fake.oauth.application.redirectUris.push(CALLBACK);
  site = await startTestWebsite({
    env: {
      DISCORD_CLIENT_ID: fake.oauth.application.id,
      DISCORD_CLIENT_SECRET: fake.oauth.application.secret,
      DISCORD_API_ROOT: fake.url,
    },
  });
});
afterAll(async () => {
  await site.stop();
  await fake.close();
});

/** The browser follows the site to Discord's authorize page; the player approves; Discord sends them back. */
async function throughDiscord(browser: TestAgent, start: string, user = EVA, scopes?: string[]) {
  const started = await browser.get(start).expect(302);
  const authorize = new URL(started.headers.location!);
  fake.oauth.approve(user, scopes ? { scopes } : undefined);
  const approved = await fetch(authorize, { redirect: 'manual' });
  expect(approved.status).toBe(302);
  const back = new URL(approved.headers.get('location')!);
  return { authorize, back, callback: `${back.pathname}${back.search}` };
}

const tokenExchanges = () => fake.oauth.calls.filter((c) => c.path === '/oauth2/token').length;

describe('Discord OAuth2', () => {
  it('redirects to authorize with the client, the callback, identify and a fresh state', async () => {
    const a = await site.browser().get('/auth/discord').expect(302);
    const b = await site.browser().get('/auth/discord').expect(302);
    const first = new URL(a.headers.location!);
    expect(`${first.origin}${first.pathname}`).toBe(`${fake.url}/oauth2/authorize`);
    expect(first.searchParams.get('client_id')).toBe(fake.oauth.application.id);
    expect(first.searchParams.get('redirect_uri')).toBe(CALLBACK);
    expect(first.searchParams.get('scope')).toBe('identify');
    expect(first.searchParams.get('response_type')).toBe('code');
    const state = first.searchParams.get('state')!;
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new URL(b.headers.location!).searchParams.get('state')).not.toBe(state);
  });

  it('signs a new Discord player in with a new account, end to end', async () => {
    const browser = site.browser();
    const { callback } = await throughDiscord(browser, '/auth/discord');
    const res = await browser.get(callback).expect(303);
    expect(res.headers.location).toBe('/profile');
    const profile = await browser.get('/profile').set('accept-language', 'en').expect(200);
    expect(visibleText(profile.text)).toContain('Your profile: Eva');
    const { rows } = await site.db.pool.query(`SELECT id FROM unified_users WHERE discord_id = $1`, [EVA.id]);
    expect(rows).toHaveLength(1);
    expect(fake.oauth.calls.some((c) => c.path === '/users/@me' && c.status === 200)).toBe(true);
    // Signing in again finds the same account.
    const again = site.browser();
    const second = await throughDiscord(again, '/auth/discord');
    await again.get(second.callback).expect(303);
    const count = await site.db.pool.query(`SELECT count(*)::int AS n FROM unified_users WHERE discord_id = $1`, [
      EVA.id,
    ]);
    expect(count.rows[0].n).toBe(1);
  });

  it('refuses a forged state and exchanges nothing', async () => {
    const browser = site.browser();
    const { back } = await throughDiscord(browser, '/auth/discord');
    const before = tokenExchanges();
    back.searchParams.set('state', 'forged-state-forged-state-forged-state-abcd');
    const res = await browser.get(`${back.pathname}${back.search}`).expect(303);
    expect(res.headers.location).toBe('/login');
    const page = await browser.get('/login').set('accept-language', 'en');
    expect(visibleText(page.text)).toContain('Discord sign-in did not complete');
    expect(tokenExchanges()).toBe(before);
    await browser.get('/profile').expect(303);
  });

  it('refuses a replayed callback: the state is used once', async () => {
    const browser = site.browser();
    const { callback } = await throughDiscord(browser, '/auth/discord', { id: '400000000000000002', username: 'ivan' });
    await browser.get(callback).expect(303).expect('location', '/profile');
    const before = tokenExchanges();
    const replay = await browser.get(callback).expect(303);
    expect(replay.headers.location).toBe('/login');
    expect(tokenExchanges()).toBe(before);
  });

  it("refuses a callback carried into another visitor's session (login CSRF)", async () => {
    const attacker = site.browser();
    const { callback } = await throughDiscord(attacker, '/auth/discord', {
      id: '400000000000000003',
      username: 'mallory',
    });
    const victim = site.browser();
    await victim.get('/auth/discord').expect(302); // the victim has a flow of their own
    await victim.get(callback).expect(303).expect('location', '/login');
    await victim.get('/profile').expect(303);
    const metrics = await site.browser().get('/metrics');
    expect(
      metricValue(metrics.text, 'ttfd_website_logins_total', { method: 'discord', outcome: 'bad_state' }),
    ).toBeGreaterThan(0);
  });

  it('says so when the player refuses on Discord', async () => {
    const browser = site.browser();
    const started = await browser.get('/auth/discord').expect(302);
    fake.oauth.deny();
    const denied = await fetch(started.headers.location!, { redirect: 'manual' });
    const back = new URL(denied.headers.get('location')!);
    expect(back.searchParams.get('error')).toBe('access_denied');
    await browser.get(`${back.pathname}${back.search}`).expect(303).expect('location', '/login');
  });

  it('links Discord to a signed-in email account, with Linked Roles written at once', async () => {
    const browser = site.browser();
    const csrf = await csrfOf(browser, '/signup');
    await browser
      .post('/signup')
      .type('form')
      .send({ _csrf: csrf, email: 'olga@example.org', password: 'a long enough passphrase', display_name: 'Olga' })
      .expect(303);
    const olga = { id: '400000000000000004', username: 'olga' };
    const { authorize, callback } = await throughDiscord(browser, '/auth/discord?purpose=link&linked_roles=1', olga, [
      'identify',
      'role_connections.write',
    ]);
    expect(authorize.searchParams.get('scope')).toBe('identify role_connections.write');
    await browser.get(callback).expect(303).expect('location', '/profile');
    const { rows } = await site.db.pool.query(
      `SELECT discord_id FROM unified_users WHERE website_email = 'olga@example.org'`,
    );
    expect(rows[0].discord_id).toBe(olga.id);
    const connection = fake.oauth.roleConnectionOf(olga.id);
    expect(connection).toMatchObject({ platform_name: 'TTFD', platform_username: 'Olga', metadata: { xp: '0' } });
    const page = await browser.get('/profile').set('accept-language', 'en');
    expect(visibleText(page.text)).toContain('Linked.');
  });

  it('asks to sign in before linking', async () => {
    const res = await site.browser().get('/auth/discord?purpose=link').expect(303);
    expect(res.headers.location).toBe('/login?next=%2Fauth%2Fdiscord%3Fpurpose%3Dlink');
    await site.browser().get('/auth/discord?purpose=steal').expect(400);
  });
});

describe('Discord OAuth2 switched off', () => {
  it('answers 404 when no client is configured', async () => {
    const off = await startTestWebsite();
    try {
      await off.browser().get('/auth/discord').expect(404);
      const login = await off.browser().get('/login');
      expect(login.text).not.toContain('/auth/discord');
    } finally {
      await off.stop();
    }
  });
});
