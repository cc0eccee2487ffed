import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { loadRoleConnections, type TokenKey } from '@ttfd/shared';
import { killSpawned, spawnMain, startFakeDiscord, waitUntil, type FakeDiscord } from '@ttfd/testing';
import {
  csrfOf,
  signUp,
  metricValue,
  startTestWebsite,
  visibleText,
  type TestAgent,
  type TestWebsite,
} from './harness';

let fake: FakeDiscord;
let site: TestWebsite;
const CALLBACK = 'http://127.0.0.1/auth/discord/callback';
const EVA = { id: '400000000000000001', username: 'eva', global_name: 'Eva' };
/** The key the website seals Linked Roles tokens with and the sync worker opens them with. */
const KEY = randomBytes(32) as TokenKey;
const WORKER_MAIN = path.resolve(__dirname, '../../sync-worker/src/main.ts');

beforeAll(async () => {
  fake = await startFakeDiscord();
  fake.oauth.application.redirectUris.push(CALLBACK);
  site = await startTestWebsite({
    env: {
      DISCORD_CLIENT_ID: fake.oauth.application.id,
      DISCORD_CLIENT_SECRET: fake.oauth.application.secret,
      DISCORD_API_ROOT: fake.url,
      DISCORD_TOKEN_KEY: KEY.toString('base64'),
    },
  });
});
afterAll(async () => {
  killSpawned();
  await site.stop();
  await fake.close();
});

/** The real sync worker in its own process, with the same key and the stand-in as Discord. */
async function startSyncWorker() {
  const worker = spawnMain(WORKER_MAIN, {
    DATABASE_URL: site.db.url,
    PORT: '0',
    LOG_LEVEL: 'info',
    DISCORD_API_ROOT: fake.url,
    DISCORD_TOKEN_KEY: KEY.toString('base64'),
    DISCORD_APPLICATION_ID: fake.oauth.application.id,
    DISCORD_CLIENT_SECRET: fake.oauth.application.secret,
    SYNC_POLL_MS: '200',
  });
  await worker.logged('listening for new events');
  return {
    async stop() {
      worker.child.kill('SIGTERM');
      await worker.exited;
    },
  };
}

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

  it('keeps the Linked Roles grant sealed, the worker sets level, games won and streak, and unlinking drops it', async () => {
    const worker = await startSyncWorker();
    try {
      const browser = site.browser();
      expect((await signUp(browser, 'olga@example.org', 'a long enough passphrase', 'Olga')).status).toBe(303);
      const settings = await browser.get('/settings').set('accept-language', 'en').expect(200);
      expect(visibleText(settings.text)).toContain('Connect Linked Roles');
      const olga = { id: '400000000000000004', username: 'olga' };
      const { authorize, callback } = await throughDiscord(browser, '/auth/discord?purpose=link&linked_roles=1', olga, [
        'identify',
        'role_connections.write',
      ]);
      expect(authorize.searchParams.get('scope')).toBe('identify role_connections.write');
      await browser.get(callback).expect(303).expect('location', '/profile');
      const {
        rows: [account],
      } = await site.db.pool.query(`SELECT id, discord_id FROM unified_users WHERE website_email = 'olga@example.org'`);
      expect(account.discord_id).toBe(olga.id);

      // The grant is kept with both tokens sealed; the key opens them.
      const { rows: grants } = await site.db.pool.query(`SELECT * FROM role_connection_grants WHERE discord_id = $1`, [
        olga.id,
      ]);
      expect(grants).toHaveLength(1);
      expect(grants[0].scope).toBe('identify role_connections.write');
      const opened = (await loadRoleConnections(site.db.pool, KEY, [account.id])).get(account.id)!;
      const usedOnProfile = fake.oauth.calls.filter((c) => c.path === '/users/@me').at(-1)!.auth;
      expect(usedOnProfile).toBe(`Bearer ${opened.accessToken}`);
      const stored =
        JSON.stringify(grants[0]) +
        grants[0].access_token_sealed.toString('latin1') +
        grants[0].refresh_token_sealed.toString('latin1');
      expect(stored).not.toContain(opened.accessToken);
      expect(stored).not.toContain(opened.refreshToken);
      const granted = await site.db.pool.query(
        `SELECT count(*)::int AS n FROM cross_platform_events WHERE user_id = $1 AND event_type = 'linked_roles_granted'`,
        [account.id],
      );
      expect(granted.rows[0].n).toBe(1);

      // The worker, woken by the grant, sets the role connection with Olga's own token.
      await waitUntil(() => fake.oauth.roleConnectionOf(olga.id) !== null, 20_000, 'the role connection PUT');
      expect(fake.oauth.roleConnections.filter((p) => p.userId === olga.id).map((p) => p.body)).toEqual([
        { platform_name: 'TTFD', platform_username: 'Olga', metadata: { level: 1, games_won: 0, daily_streak: 0 } },
      ]);
      const page = await browser.get('/profile').set('accept-language', 'en');
      expect(visibleText(page.text)).toContain('Linked.');

      // Unlinking Discord drops the grant: nothing more is sent for it.
      const linkCsrf = await csrfOf(browser, '/link');
      await browser.post('/link/unlink').type('form').send({ _csrf: linkCsrf, platform: 'discord' }).expect(303);
      const after = await site.db.pool.query(`SELECT 1 FROM role_connection_grants WHERE discord_id = $1`, [olga.id]);
      expect(after.rows).toHaveLength(0);
    } finally {
      await worker.stop();
    }
  });

  it('a Discord-only player who deletes their account leaves no grant behind', async () => {
    const browser = site.browser();
    const zoe = { id: '400000000000000005', username: 'zoe' };
    const { callback } = await throughDiscord(browser, '/auth/discord?linked_roles=1', zoe, [
      'identify',
      'role_connections.write',
    ]);
    await browser.get(callback).expect(303).expect('location', '/profile');
    const kept = await site.db.pool.query(`SELECT 1 FROM role_connection_grants WHERE discord_id = $1`, [zoe.id]);
    expect(kept.rows).toHaveLength(1);
    const csrf = await csrfOf(browser, '/settings');
    await browser.post('/settings/delete').type('form').send({ _csrf: csrf, confirm: 'DELETE' }).expect(303);
    const after = await site.db.pool.query(`SELECT 1 FROM role_connection_grants WHERE discord_id = $1`, [zoe.id]);
    expect(after.rows).toHaveLength(0);
  });

  it('keeps the Linked Roles grant when linking Discord needs a merge confirmation, through the merge', async () => {
    // Ivo played on Discord first (his account has the Discord identity), then signs up on the site.
    const ivo = { id: '400000000000000007', username: 'ivo' };
    const first = site.browser();
    await first.get((await throughDiscord(first, '/auth/discord', ivo)).callback).expect(303);
    const browser = site.browser();
    expect((await signUp(browser, 'ivo@example.org', 'a long enough passphrase', 'Ivo')).status).toBe(303);
    const { callback } = await throughDiscord(browser, '/auth/discord?purpose=link&linked_roles=1', ivo, [
      'identify',
      'role_connections.write',
    ]);
    await browser.get(callback).expect(303).expect('location', '/link/confirm');
    const kept = await site.db.pool.query(`SELECT 1 FROM role_connection_grants WHERE discord_id = $1`, [ivo.id]);
    expect(kept.rows).toHaveLength(1);

    const token = /name="confirm_token" value="([^"]+)"/.exec((await browser.get('/link/confirm')).text)?.[1];
    const confirmCsrf = await csrfOf(browser, '/link/confirm');
    await browser
      .post('/link/confirm')
      .type('form')
      .send({ _csrf: confirmCsrf, confirm_token: token!, action: 'confirm' })
      .expect(303);
    const {
      rows: [merged],
    } = await site.db.pool.query(
      `SELECT id FROM unified_users WHERE discord_id = $1 AND website_email = 'ivo@example.org' AND merged_into IS NULL`,
      [ivo.id],
    );
    expect(merged).toBeDefined();
    // The merged account's grant opens with the key: the worker can set Ivo's role connection.
    expect((await loadRoleConnections(site.db.pool, KEY, [merged.id])).get(merged.id)?.discordId).toBe(ivo.id);
  });

  it('links without Linked Roles when the player leaves role_connections.write out on Discord', async () => {
    const browser = site.browser();
    const pia = { id: '400000000000000006', username: 'pia' };
    const { callback } = await throughDiscord(browser, '/auth/discord?linked_roles=1', pia, ['identify']);
    await browser.get(callback).expect(303).expect('location', '/profile');
    const kept = await site.db.pool.query(`SELECT 1 FROM role_connection_grants WHERE discord_id = $1`, [pia.id]);
    expect(kept.rows).toHaveLength(0);
    expect(fake.oauth.roleConnectionOf(pia.id)).toBeNull();
  });

  it('asks to sign in before linking', async () => {
    const res = await site.browser().get('/auth/discord?purpose=link').expect(303);
    expect(res.headers.location).toBe('/login?next=%2Fauth%2Fdiscord%3Fpurpose%3Dlink');
    await site.browser().get('/auth/discord?purpose=steal').expect(400);
  });
});

describe('Discord OAuth2 without DISCORD_TOKEN_KEY', () => {
  it('offers no Linked Roles and never asks role_connections.write', async () => {
    const noKey = await startTestWebsite({
      env: {
        DISCORD_CLIENT_ID: fake.oauth.application.id,
        DISCORD_CLIENT_SECRET: fake.oauth.application.secret,
        DISCORD_API_ROOT: fake.url,
      },
    });
    try {
      const browser = noKey.browser();
      expect((await signUp(browser, 'nokey@example.org', 'a long enough passphrase')).status).toBe(303);
      const settings = await browser.get('/settings').set('accept-language', 'en').expect(200);
      expect(visibleText(settings.text)).toContain('Link Telegram or Discord to get notifications there.');
      expect(visibleText(settings.text)).not.toContain('Linked Roles');
      expect(settings.text).not.toContain('linked_roles=1');
      const link = await browser.get('/link').set('accept-language', 'en').expect(200);
      expect(link.text).not.toContain('linked_roles=1');
      const started = await browser.get('/auth/discord?purpose=link&linked_roles=1').expect(302);
      expect(new URL(started.headers.location!).searchParams.get('scope')).toBe('identify');
    } finally {
      await noKey.stop();
    }
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
