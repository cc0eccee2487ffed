import { createHmac } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { sleep, spawnMain } from '@ttfd/testing';
import { csrfOf, startTestWebsite, visibleText, type TestWebsite } from './harness';

let site: TestWebsite;

beforeAll(async () => {
  site = await startTestWebsite();
});
afterAll(() => site.stop());

describe('the website service', () => {
  it('serves /healthz, /readyz and /metrics on the same port as the pages', async () => {
    const browser = site.browser();
    await browser.get('/healthz').expect(200, 'ok\n');
    await browser.get('/readyz').expect(200, 'ready\n');
    await browser.get('/').set('accept-language', 'en').expect(200);
    const metrics = await browser.get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      /ttfd_http_request_duration_seconds_count\{service="website",method="GET",route="\/",status="200"\} [1-9]/,
    );
    expect(metrics.text).not.toMatch(/route="\/healthz"/);
  });

  it('labels requests by route template, never by the path a visitor typed', async () => {
    await site.browser().get('/no/such/page/12345').expect(404);
    const metrics = await site.browser().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/route="unmatched",status="404"/);
    expect(metrics.text).not.toContain('12345');
  });

  it('shows the home page with landmarks, a CSP without inline script, and no cookie flags missing', async () => {
    const res = await site.browser().get('/').set('accept-language', 'en-GB,en;q=0.9').expect(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self' https://telegram.org");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toMatch(/<main id="main"/);
    expect(res.text).not.toMatch(/<script>(?!<\/script>)/);
    expect(visibleText(res.text)).toContain('Nobody has earned XP yet.');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/ttfd\.csrf=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it("gives a visitor's pages their CSRF token in a signed cookie: a page view writes no session", async () => {
    const before = await site.db.pool.query('SELECT count(*)::int AS n FROM website_sessions');
    const browser = site.browser();
    for (const path of ['/', '/leaderboard', '/login', '/signup']) {
      const res = await browser.get(path).expect(200);
      expect(String(res.headers['set-cookie'] ?? '')).not.toMatch(/ttfd\.sid=/);
    }
    const after = await site.db.pool.query('SELECT count(*)::int AS n FROM website_sessions');
    expect(after.rows[0].n).toBe(before.rows[0].n);
    // The same token on every page of this browser, and it passes.
    const token = await csrfOf(browser, '/leaderboard');
    expect(await csrfOf(browser, '/login')).toBe(token);
    await browser.post('/locale').type('form').send({ _csrf: token, locale: 'en' }).expect(303);
  });

  it("refuses a visitor's token without its cookie, or with a cookie signed by anyone else", async () => {
    const browser = site.browser();
    const token = await csrfOf(browser);
    const post = (cookie: string, csrf = token) =>
      site.browser().post('/locale').set('Cookie', cookie).type('form').send({ _csrf: csrf, locale: 'en' });
    expect((await post('other=1')).status).toBe(403);
    expect((await post(`ttfd.csrf=${token}.forged-signature`)).status).toBe(403);
    const forged = createHmac('sha256', 'not-the-session-secret').update(`csrf:${token}`).digest('base64url');
    expect((await post(`ttfd.csrf=${token}.${forged}`)).status).toBe(403);
    // Another visitor's genuine cookie does not carry this visitor's token.
    const first = await site.browser().get('/').expect(200);
    const cookie = String(first.headers['set-cookie']).split(';')[0]!;
    expect((await post(cookie)).status).toBe(403);
    const itsOwn = /<meta name="csrf-token" content="([^"]+)"/.exec(first.text)![1]!;
    expect((await post(cookie, itsOwn)).status).toBe(303);
  });

  it('answers in Russian unless the browser prefers English', async () => {
    const res = await site.browser().get('/').set('accept-language', 'de-DE,de;q=0.9').expect(200);
    expect(res.text).toContain('<html lang="ru">');
    expect(visibleText(res.text)).toContain('Пока никто не получил опыта.');
  });

  it('remembers the language switch in the session', async () => {
    const browser = site.browser();
    const csrf = await csrfOf(browser);
    await browser
      .post('/locale')
      .type('form')
      .send({ _csrf: csrf, locale: 'en', back: '/?x=1' })
      .expect(303)
      .expect('location', '/?x=1');
    const res = await browser.get('/').set('accept-language', 'ru').expect(200);
    expect(res.text).toContain('<html lang="en">');
  });

  it('answers the language switch only once the session holds it: the page it returns to is always in the new language', async () => {
    const first = await site.browser().get('/').expect(200);
    const csrfCookie = /ttfd\.csrf=[^;]+/.exec(String(first.headers['set-cookie']))![0];
    const token = /<meta name="csrf-token" content="([^"]+)"/.exec(first.text)![1]!;
    // The session's write waits behind a lock; a browser follows a 303 as soon as its headers come.
    const lock = await site.db.pool.connect();
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE website_sessions IN EXCLUSIVE MODE');
    const body = new URLSearchParams({ _csrf: token, locale: 'ru', back: '/' }).toString();
    let answered = false;
    const response = new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(
        `${site.url}/locale`,
        {
          method: 'POST',
          headers: {
            Cookie: csrfCookie,
            'Content-Type': 'application/x-www-form-urlencoded',
            'Content-Length': Buffer.byteLength(body),
          },
        },
        (res) => {
          answered = true;
          resolve(res);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    await sleep(500);
    const answeredWhileLocked = answered;
    await lock.query('COMMIT');
    lock.release();
    const res = await response;
    res.resume();
    expect(answeredWhileLocked).toBe(false);
    expect(res.statusCode).toBe(303);
    const sessionCookie = /ttfd\.sid=[^;]+/.exec(String(res.headers['set-cookie']))![0];
    const next = await site
      .browser()
      .get('/')
      .set('Cookie', `${csrfCookie}; ${sessionCookie}`)
      .set('accept-language', 'en');
    expect(next.text).toContain('<html lang="ru">');
  });

  it('never redirects the language switch off the site', async () => {
    const browser = site.browser();
    const csrf = await csrfOf(browser);
    await browser
      .post('/locale')
      .type('form')
      .send({ _csrf: csrf, locale: 'ru', back: '//evil.example/' })
      .expect(303)
      .expect('location', '/');
  });

  it('refuses a state-changing request without the CSRF token, in the one error shape', async () => {
    const browser = site.browser();
    await csrfOf(browser);
    const page = await browser.post('/locale').type('form').send({ locale: 'en' }).set('accept-language', 'en');
    expect(page.status).toBe(403);
    expect(visibleText(page.text)).toContain('The form has expired or did not come from this site');
    const api = await browser.post('/api/v1/anything').send({}).set('x-csrf-token', 'forged');
    expect(api.status).toBe(403);
    expect(api.body).toEqual({ error: { code: 'csrf_failed', message: expect.any(String) } });
  });

  it('answers bad input with 400 naming the field', async () => {
    const browser = site.browser();
    const csrf = await csrfOf(browser);
    const res = await browser
      .post('/locale')
      .set('accept-language', 'en')
      .set('x-csrf-token', csrf)
      .send({ locale: 'de' });
    expect(res.status).toBe(400);
    expect(visibleText(res.text)).toContain('The request was not understood');
  });

  it('answers unknown API paths with a JSON 404 and malformed JSON with a JSON 400', async () => {
    const browser = site.browser();
    const missing = await browser.get('/api/v1/nothing-here').expect(404);
    expect(missing.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    const csrf = await csrfOf(browser);
    const malformed = await browser
      .post('/api/v1/link-codes')
      .set('x-csrf-token', csrf)
      .set('content-type', 'application/json')
      .send('{"not json');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ error: { code: 'bad_request', message: expect.any(String) } });
  });

  it('serves the static stylesheet and script', async () => {
    await site.browser().get('/static/site.css').expect(200).expect('content-type', /css/);
    await site
      .browser()
      .get('/static/site.js')
      .expect(200)
      .expect('content-type', /javascript/);
  });
});

describe('behind an HTTPS proxy', () => {
  it('marks the session cookie Secure and trusts the forwarded scheme only when told to', async () => {
    const behind = await startTestWebsite({
      db: site.db,
      env: { PUBLIC_URL: 'https://ttfd.example', TRUST_PROXY: '1' },
    });
    try {
      const browser = behind.browser();
      const res = await browser.get('/').set('x-forwarded-proto', 'https').expect(200);
      expect(String(res.headers['set-cookie'])).toMatch(/ttfd\.csrf=[^;]+;.*Secure/);
      expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
      const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(res.text)![1]!;
      const cookie = String(res.headers['set-cookie']).split(';')[0]!;
      const switched = await behind
        .browser()
        .post('/locale')
        .set('x-forwarded-proto', 'https')
        .set('Cookie', cookie)
        .type('form')
        .send({ _csrf: csrf, locale: 'en' })
        .expect(303);
      expect(String(switched.headers['set-cookie'])).toMatch(/ttfd\.sid=[^;]+;.*Secure/);
      // Not over HTTPS: no cookie at all rather than an insecure one.
      const plain = await behind.browser().get('/').expect(200);
      expect(plain.headers['set-cookie']).toBeUndefined();
    } finally {
      await behind.stop();
    }
  });
});

describe('configuration', () => {
  it('names the bad variable and exits non-zero', async () => {
    const main = spawnMain(path.join(__dirname, '../src/main.ts'), {
      DATABASE_URL: site.db.url,
      SESSION_SECRET: 'too-short',
      PORT: '0',
    });
    expect(await main.exited).toBe(78);
    expect(main.output()).toContain('SESSION_SECRET: must be at least 32 characters');
  });
});
