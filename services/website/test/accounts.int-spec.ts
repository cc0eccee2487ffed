import { pbkdf2Sync } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';
import {
  csrfOf,
  metricValue,
  signUp as signUpAs,
  startTestWebsite,
  visibleText,
  type TestAgent,
  type TestWebsite,
} from './harness';

let db: TestDatabase;
let site: TestWebsite;
/** A second replica on the same database: limits and sessions must hold across both. */
let replica: TestWebsite;

beforeAll(async () => {
  db = await createTestDatabase();
  site = await startTestWebsite({ db });
  replica = await startTestWebsite({ db });
});
afterAll(async () => {
  await replica.stop();
  await site.stop();
  await db.drop();
});

const PASSWORD = 'correct horse battery';

const signUp = (browser: TestAgent, email: string, password = PASSWORD, displayName = '') =>
  signUpAs(browser, email, password, displayName);

async function logIn(browser: TestAgent, email: string, password: string, next?: string) {
  const csrf = await csrfOf(browser, '/login');
  return browser
    .post('/login')
    .set('accept-language', 'en')
    .type('form')
    .send({ _csrf: csrf, email, password, ...(next ? { next } : {}) });
}

const sessionCookie = (res: { headers: Record<string, unknown> }) =>
  /ttfd\.sid=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1];

describe('sign up', () => {
  it('creates an account, signs it in and shows the profile', async () => {
    const browser = site.browser();
    const res = await signUp(browser, 'Mira@Example.org', PASSWORD, 'Mira');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/profile');
    const profile = await browser.get('/profile').set('accept-language', 'en').expect(200);
    expect(visibleText(profile.text)).toContain('Your profile: Mira');
    const { rows } = await db.pool.query(
      `SELECT u.website_email, c.password_hash FROM unified_users u JOIN website_credentials c ON c.user_id = u.id
       WHERE lower(u.website_email) = 'mira@example.org'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
    expect(rows[0].password_hash).not.toContain(PASSWORD);
  });

  it('refuses short and common passwords and says why, creating nothing', async () => {
    const short = await signUp(site.browser(), 'short@example.org', 'abc123');
    expect(short.status).toBe(400);
    expect(visibleText(short.text)).toContain('The password needs at least 10 characters.');
    const common = await signUp(site.browser(), 'common@example.org', 'Password123');
    expect(common.status).toBe(400);
    expect(visibleText(common.text)).toContain('This password is too common');
    const sequence = await signUp(site.browser(), 'seq@example.org', '1234567890');
    expect(sequence.status).toBe(400);
    const sameAsEmail = await signUp(site.browser(), 'longlocalpart@example.org', 'longlocalpart@example.org');
    expect(visibleText(sameAsEmail.text)).toContain('must not be your email');
    const { rowCount } = await db.pool.query(
      `SELECT 1 FROM unified_users WHERE website_email IN ('short@example.org', 'common@example.org', 'seq@example.org')`,
    );
    expect(rowCount).toBe(0);
  });

  it('refuses an email that already has an account (any case) without touching its password', async () => {
    await signUp(site.browser(), 'taken@example.org');
    const before = await db.pool.query(
      `SELECT password_hash FROM website_credentials c JOIN unified_users u ON u.id = c.user_id WHERE u.website_email = 'taken@example.org'`,
    );
    const again = await signUp(site.browser(), 'TAKEN@example.org', 'another long passphrase');
    expect(again.status).toBe(409);
    expect(visibleText(again.text)).toContain('This email cannot be used to sign up');
    const after = await db.pool.query(
      `SELECT password_hash FROM website_credentials c JOIN unified_users u ON u.id = c.user_id WHERE u.website_email = 'taken@example.org'`,
    );
    expect(after.rows).toEqual(before.rows);
  });

  it('refuses a malformed email and a missing field', async () => {
    const bad = await signUp(site.browser(), 'not-an-email');
    expect(bad.status).toBe(400);
    expect(visibleText(bad.text)).toContain('Enter a valid email address.');
    const browser = site.browser();
    const csrf = await csrfOf(browser, '/signup');
    const missing = await browser.post('/signup').type('form').send({ _csrf: csrf, email: 'x@example.org' });
    expect(missing.status).toBe(400);
  });

  it('refuses a sign-up without the CSRF token', async () => {
    const browser = site.browser();
    await csrfOf(browser, '/signup');
    const res = await browser.post('/signup').type('form').send({ email: 'nocsrf@example.org', password: PASSWORD });
    expect(res.status).toBe(403);
    const { rowCount } = await db.pool.query(`SELECT 1 FROM unified_users WHERE website_email = 'nocsrf@example.org'`);
    expect(rowCount).toBe(0);
  });
});

describe('log in', () => {
  beforeAll(async () => {
    await signUp(site.browser(), 'lena@example.org');
  });

  it('signs in with a new session id and goes to the page asked for (on this site only)', async () => {
    const browser = site.browser();
    const visitor = await browser.get('/login').expect(200);
    const before = sessionCookie(visitor);
    const res = await logIn(browser, 'LENA@example.org', PASSWORD, '/settings/password');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/settings/password');
    const after = sessionCookie(res);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const offsite = await logIn(site.browser(), 'lena@example.org', PASSWORD, 'https://evil.example/');
    expect(offsite.headers.location).toBe('/profile');
  });

  it('says the same for a wrong password and an unknown email', async () => {
    const wrong = await logIn(site.browser(), 'lena@example.org', 'not the password at all');
    const unknown = await logIn(site.browser(), 'nobody@example.org', 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(visibleText(wrong.text)).toContain('Wrong email or password.');
    expect(visibleText(unknown.text)).toContain('Wrong email or password.');
  });

  it('limits attempts per account across replicas, and the right password waits too', async () => {
    await signUp(site.browser(), 'target@example.org');
    const sites = [site, replica];
    for (let i = 0; i < 5; i++) {
      const res = await logIn(sites[i % 2]!.browser(), 'target@example.org', `wrong guess number ${i}`);
      expect(res.status).toBe(401);
    }
    const blocked = await logIn(replica.browser(), 'target@example.org', PASSWORD);
    expect(blocked.status).toBe(429);
    expect(visibleText(blocked.text)).toMatch(/Too many attempts\. Try again in (1[0-5]|[1-9]) min\./);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Another account from the same address is not locked out.
    const other = await logIn(site.browser(), 'lena@example.org', PASSWORD);
    expect(other.status).toBe(303);
    const metrics = await site.browser().get('/metrics');
    expect(metricValue(metrics.text, 'ttfd_website_logins_total', { outcome: 'wrong_credentials' })).toBeGreaterThan(0);
    expect(metricValue(metrics.text, 'ttfd_website_logins_total', { outcome: 'success' })).toBeGreaterThan(0);
  });

  it('limits attempts per address whatever the account', async () => {
    const spoofed = site.browser();
    let last = 0;
    for (let i = 0; i < 31; i++) {
      const res = await logIn(spoofed, `spray${i}@example.org`, 'password spraying');
      last = res.status;
    }
    expect(last).toBe(429);
    await db.pool.query(`DELETE FROM website_login_throttles WHERE scope = 'address'`);
  });

  it('accepts a legacy Werkzeug hash once and stores argon2id in its place', async () => {
    await signUp(site.browser(), 'legacy@example.org');
    const salt = 'abcdefghijklmnop';
    const legacy = `pbkdf2:sha256:1000$${salt}$${pbkdf2Sync('old site password', salt, 1000, 32, 'sha256').toString('hex')}`;
    await db.pool.query(
      `UPDATE website_credentials SET password_hash = $1
       WHERE user_id = (SELECT id FROM unified_users WHERE website_email = 'legacy@example.org')`,
      [legacy],
    );
    const res = await logIn(site.browser(), 'legacy@example.org', 'old site password');
    expect(res.status).toBe(303);
    const { rows } = await db.pool.query(
      `SELECT password_hash FROM website_credentials c JOIN unified_users u ON u.id = c.user_id WHERE u.website_email = 'legacy@example.org'`,
    );
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
    expect((await logIn(site.browser(), 'legacy@example.org', 'old site password')).status).toBe(303);
  });

  it('refuses a login without the CSRF token', async () => {
    const res = await site
      .browser()
      .post('/login')
      .type('form')
      .send({ email: 'lena@example.org', password: PASSWORD });
    expect(res.status).toBe(403);
  });
});

describe('log out and change the password', () => {
  it('logs out: the old session cookie signs nobody in', async () => {
    const browser = site.browser();
    await signUp(browser, 'out@example.org');
    await browser.get('/profile').expect(200);
    const csrf = await csrfOf(browser, '/profile');
    await browser.post('/logout').type('form').send({ _csrf: csrf }).expect(303).expect('location', '/');
    const res = await browser.get('/profile');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fprofile');
  });

  it('changes the password after checking the current one', async () => {
    const browser = site.browser();
    await signUp(browser, 'change@example.org');
    let csrf = await csrfOf(browser, '/settings/password');
    const wrong = await browser
      .post('/settings/password')
      .set('accept-language', 'en')
      .type('form')
      .send({ _csrf: csrf, current_password: 'not my password', new_password: 'a brand new passphrase' });
    expect(wrong.status).toBe(400);
    csrf = await csrfOf(browser, '/settings/password');
    const weak = await browser
      .post('/settings/password')
      .set('accept-language', 'en')
      .type('form')
      .send({ _csrf: csrf, current_password: PASSWORD, new_password: 'qwertyuiop' });
    expect(visibleText(weak.text)).toContain('too common');
    csrf = await csrfOf(browser, '/settings/password');
    await browser
      .post('/settings/password')
      .type('form')
      .send({ _csrf: csrf, current_password: PASSWORD, new_password: 'a brand new passphrase' })
      .expect(303);
    const page = await browser.get('/profile').set('accept-language', 'en');
    expect(visibleText(page.text)).toContain('Your password is changed.');
    expect((await logIn(site.browser(), 'change@example.org', PASSWORD)).status).toBe(401);
    expect((await logIn(site.browser(), 'change@example.org', 'a brand new passphrase')).status).toBe(303);
  });

  it('keeps the password pages for signed-in players', async () => {
    const res = await site.browser().post('/settings/password').type('form').send({});
    expect(res.status).toBe(403); // no CSRF token: refused before anything else
    const page = await site.browser().get('/settings/password');
    expect(page.status).toBe(303);
  });
});
