import { createLinking, createProgression, createWake } from '@ttfd/shared';
import { csrfOf, startTestWebsite, type TestAgent, type TestWebsite } from './harness';

let site: TestWebsite;

beforeAll(async () => {
  site = await startTestWebsite();
});
afterAll(() => site.stop());

let n = 0;
async function player(name: string): Promise<{ browser: TestAgent; id: string; csrf: string }> {
  const browser = site.browser();
  const csrf = await csrfOf(browser, '/signup');
  await browser
    .post('/signup')
    .type('form')
    .send({ _csrf: csrf, email: `${name}${++n}@example.org`, password: 'a long enough passphrase', display_name: name })
    .expect(303);
  const me = await browser.get('/api/v1/me').expect(200);
  return { browser, id: me.body.id, csrf: me.body.csrfToken };
}

describe('/api/v1', () => {
  it('me: the whole profile of the signed-in player, with the CSRF token', async () => {
    const { browser, id } = await player('Inna');
    const me = await browser.get('/api/v1/me').set('accept-language', 'en').expect(200);
    expect(me.body).toMatchObject({
      id,
      name: 'Inna',
      xp: 0,
      rank: { id: expect.any(Number), name: 'Recruit' },
      platforms: ['website'],
      notifications: {
        telegram: { enabled: true, linked: false },
        discord: { enabled: true, linked: false },
        refused: [],
      },
      recentActivity: [expect.objectContaining({ type: 'user_registered', source: 'website' })],
    });
    expect(me.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('me: 401 in the one error shape for a visitor', async () => {
    const res = await site.browser().get('/api/v1/me').expect(401);
    expect(res.body).toEqual({ error: { code: 'unauthorized', message: 'Sign in first' } });
  });

  it("users/:id: another player's public profile, never their private fields", async () => {
    const a = await player('Alla');
    const b = await player('Bella');
    const res = await a.browser.get(`/api/v1/users/${b.id}`).expect(200);
    expect(res.body).toMatchObject({ id: b.id, name: 'Bella', xp: 0 });
    for (const key of ['csrfToken', 'recentActivity', 'notifications', 'locale', 'email']) {
      expect(res.body).not.toHaveProperty(key);
    }
    expect(JSON.stringify(res.body)).not.toContain('@example.org');
  });

  it('users/:id: 404 for nobody and 400 for a malformed id', async () => {
    const missing = await site.browser().get('/api/v1/users/999999999').expect(404);
    expect(missing.body.error.code).toBe('not_found');
    const bad = await site.browser().get('/api/v1/users/abc').expect(400);
    expect(bad.body.error).toMatchObject({
      code: 'bad_request',
      details: [{ path: 'id', message: 'must be an account id' }],
    });
  });

  it('link-codes: creates a code for the signed-in player only, with the CSRF token', async () => {
    const { browser, csrf, id } = await player('Kira');
    const noToken = await browser.post('/api/v1/link-codes').send({}).expect(403);
    expect(noToken.body.error.code).toBe('csrf_failed');
    const res = await browser.post('/api/v1/link-codes').set('x-csrf-token', csrf).send({}).expect(201);
    expect(res.body).toEqual({
      code: expect.stringMatching(/^[A-Z0-9]{10}$/),
      deepLinkPayload: `link_${res.body.code}`,
      expiresAt: expect.any(String),
    });
    // Entered in Telegram, it joins the Telegram identity to this account (after the confirmation).
    const wake = createWake(site.db.pool);
    const linking = createLinking({ pool: site.db.pool, wake });
    const asked = await linking.redeemLinkCode({ platform: 'telegram', id: '777001' }, res.body.code);
    expect(asked.status).toBe('needs_confirmation');
    if (asked.status !== 'needs_confirmation') return;
    const done = await linking.confirmMerge({
      confirmToken: asked.confirmToken,
      by: { platform: 'telegram', id: '777001' },
    });
    expect(done).toMatchObject({ status: 'linked', userId: id });
  });

  it('link-codes/redeem: asks for confirmation naming the other account, refuses bad codes and input', async () => {
    const { browser, csrf } = await player('Lada');
    const wake = createWake(site.db.pool);
    const progression = createProgression({ pool: site.db.pool, wake });
    await progression.ensureUser({ platform: 'discord', id: '600000000000001234' }, { displayName: 'Lada on Discord' });
    const linking = createLinking({ pool: site.db.pool, wake });
    const { code } = await linking.createLinkCode({ platform: 'discord', id: '600000000000001234' });
    const res = await browser.post('/api/v1/link-codes/redeem').set('x-csrf-token', csrf).send({ code }).expect(200);
    expect(res.body).toMatchObject({
      status: 'needs_confirmation',
      other: { identities: [{ platform: 'discord', shown: '…1234' }], names: ['Lada on Discord'] },
      confirmToken: expect.any(String),
    });
    const wrong = await browser
      .post('/api/v1/link-codes/redeem')
      .set('x-csrf-token', csrf)
      .send({ code: 'AAAAAAAAAA' })
      .expect(400);
    expect(wrong.body.error).toEqual({ code: 'bad_request', message: 'Invalid or expired code' });
    const bad = await browser
      .post('/api/v1/link-codes/redeem')
      .set('x-csrf-token', csrf)
      .send({ code: 42 })
      .expect(400);
    expect(bad.body.error.details[0].path).toBe('code');
  });

  it("a CSRF token of one player's session does not work in another's", async () => {
    const a = await player('Mila');
    const b = await player('Nina');
    const res = await b.browser.post('/api/v1/link-codes').set('x-csrf-token', a.csrf).send({}).expect(403);
    expect(res.body.error.code).toBe('csrf_failed');
  });

  it('serves the OpenAPI document', async () => {
    const res = await site.browser().get('/api/v1/openapi.json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/me', '/api/v1/users/{id}', '/api/v1/link-codes', '/api/v1/link-codes/redeem']),
    );
  });
});
