import { createLinking, createProgression, createWake, eraseAccount } from '@ttfd/shared';
import { csrfOf, isChecked, startTestWebsite, visibleText, type TestAgent, type TestWebsite } from './harness';

let site: TestWebsite;
beforeAll(async () => {
  site = await startTestWebsite();
});
afterAll(() => site.stop());

const PASSWORD = 'a long enough passphrase';
let n = 0;
async function player(name: string): Promise<{ browser: TestAgent; id: string; email: string }> {
  const browser = site.browser();
  const email = `${name.toLowerCase()}${++n}@example.org`;
  const csrf = await csrfOf(browser, '/signup');
  await browser
    .post('/signup')
    .type('form')
    .send({ _csrf: csrf, email, password: PASSWORD, display_name: name })
    .expect(303);
  const me = await browser.get('/api/v1/me').expect(200);
  return { browser, id: me.body.id, email };
}

async function post(browser: TestAgent, path: string, fields: Record<string, string>) {
  const csrf = await csrfOf(browser, '/settings');
  return browser
    .post(path)
    .set('accept-language', 'en')
    .type('form')
    .send({ _csrf: csrf, ...fields });
}

describe('privacy', () => {
  it('hides the public page from everyone but the player', async () => {
    const owner = await player('Hidden');
    const other = await player('Viewer');
    await other.browser.get(`/players/${owner.id}`).expect(200);
    await post(owner.browser, '/settings/privacy', { profile_hidden: 'on' }).then((r) => expect(r.status).toBe(303));
    await other.browser.get(`/players/${owner.id}`).expect(404);
    await site.browser().get(`/api/v1/users/${owner.id}`).expect(404);
    await owner.browser.get(`/players/${owner.id}`).expect(200);
    const settings = await owner.browser.get('/settings').expect(200);
    expect(isChecked(settings.text, 'profile_hidden')).toBe(true);
    expect(isChecked(settings.text, 'leaderboard_anonymous')).toBe(false);
    const { rows } = await site.db.pool.query(`SELECT leaderboard_anonymous FROM unified_users WHERE id = $1`, [
      owner.id,
    ]);
    expect(rows[0].leaderboard_anonymous).toBe(false);
  });

  it('appears anonymised on the home top 10 when asked, with no link to the page', async () => {
    const shy = await player('Shy');
    const wake = createWake(site.db.pool);
    await createProgression({ pool: site.db.pool, wake }).award({
      player: { userId: shy.id },
      xp: 5000,
      reason: 'game',
      source: 'website',
    });
    const before = visibleText((await site.browser().get('/').set('accept-language', 'en')).text);
    expect(before).toContain('Shy');
    await post(shy.browser, '/settings/privacy', { leaderboard_anonymous: 'on' });
    const after = await site.browser().get('/').set('accept-language', 'en');
    expect(visibleText(after.text)).not.toContain('Shy');
    expect(visibleText(after.text)).toContain('Hidden player');
    expect(after.text).not.toContain(`/players/${shy.id}"`);
    // The player still sees themself.
    expect(visibleText((await shy.browser.get('/').set('accept-language', 'en')).text)).toContain('Shy');
  });

  it('downloads my data only after the password, as JSON of the profile and events', async () => {
    const { browser, email } = await player('Export');
    const refused = await post(browser, '/settings/data', { password: 'not my password' });
    expect(refused.status).toBe(403);
    expect(visibleText(refused.text)).toContain('You may not do that.');
    const res = await post(browser, '/settings/data', { password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="ttfd-\d+\.json"$/);
    const data = JSON.parse(res.text);
    expect(data.account).toMatchObject({ website_email: email, display_name: 'Export', xp: '0' });
    expect(data.events).toEqual([
      expect.objectContaining({ event_type: 'user_registered', source_platform: 'website' }),
    ]);
  });

  it("never exports another player's data", async () => {
    const a = await player('Aa');
    const b = await player('Bb');
    const res = await post(a.browser, '/settings/data', { password: PASSWORD });
    expect(res.text).not.toContain(b.email);
  });

  it('deletes my account: logins unlinked, names and email erased, totals and events kept under no name', async () => {
    const { browser, id, email } = await player('Gone');
    const wake = createWake(site.db.pool);
    const progression = createProgression({ pool: site.db.pool, wake });
    await progression.award({ player: { userId: id }, xp: 300, coins: 5, reason: 'game', source: 'website' });

    expect((await post(browser, '/settings/delete', { password: PASSWORD, confirm: 'delete' })).status).toBe(400);
    expect((await post(browser, '/settings/delete', { password: 'wrong password!', confirm: 'DELETE' })).status).toBe(
      403,
    );
    const other = await player('Witness');
    const res = await post(browser, '/settings/delete', { password: PASSWORD, confirm: 'DELETE' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');

    const { rows } = await site.db.pool.query(
      `SELECT website_email, telegram_id, discord_id, username, display_name, xp, erased_at IS NOT NULL AS erased,
              leaderboard_anonymous, profile_hidden FROM unified_users WHERE id = $1`,
      [id],
    );
    expect(rows[0]).toMatchObject({
      website_email: null,
      telegram_id: null,
      discord_id: null,
      username: null,
      display_name: null,
      xp: '300',
      erased: true,
      leaderboard_anonymous: true,
      profile_hidden: true,
    });
    const ledger = await site.db.pool.query(
      `SELECT sum((data->>'xp_delta')::int)::int AS xp FROM cross_platform_events WHERE user_id = $1 AND event_type = 'xp_change'`,
      [id],
    );
    expect(ledger.rows[0].xp).toBe(300);
    const names = await site.db.pool.query(
      `SELECT count(*)::int AS n FROM cross_platform_events WHERE user_id = $1 AND data ? 'username'`,
      [id],
    );
    expect(names.rows[0].n).toBe(0);
    const credentials = await site.db.pool.query(`SELECT 1 FROM website_credentials WHERE user_id = $1`, [id]);
    expect(credentials.rowCount).toBe(0);

    // Signed out everywhere, the email logs into nothing, and the page is gone.
    expect((await browser.get('/profile')).status).toBe(303);
    const csrf = await csrfOf(site.browser(), '/login');
    expect(csrf).toBeTruthy();
    const login = site.browser();
    const token = await csrfOf(login, '/login');
    await login.post('/login').type('form').send({ _csrf: token, email, password: PASSWORD }).expect(401);
    await other.browser.get(`/players/${id}`).expect(404);
  });

  it('signs a session begun on an account merged into another in as that account, and out when it is deleted', async () => {
    const absorbed = await player('Absorbed');
    const kept = await player('Keeper');
    await site.db.pool.query('UPDATE unified_users SET merged_into = $1, merged_at = now() WHERE id = $2', [
      kept.id,
      absorbed.id,
    ]);
    // The session still holds the merged account's id; it signs in as the account it joined.
    expect((await absorbed.browser.get('/api/v1/me').expect(200)).body.id).toBe(kept.id);
    expect(await post(kept.browser, '/settings/delete', { password: PASSWORD, confirm: 'DELETE' })).toMatchObject({
      status: 303,
    });
    // Both players' browsers are signed out: the profile asks them to log in.
    for (const browser of [kept.browser, absorbed.browser]) {
      const res = await browser.get('/profile');
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/login/);
    }
    await absorbed.browser.get('/api/v1/me').expect(401);
  });

  it('signs nobody in with the session of an erased account, even one the deletion did not end (a crash between the two)', async () => {
    const { browser, id } = await player('Interrupted');
    await browser.get('/api/v1/me').expect(200);
    // The account is erased, and the process dies before it ends the account's sessions.
    const linking = createLinking({ pool: site.db.pool, wake: createWake(site.db.pool), now: () => new Date() });
    expect(await eraseAccount(linking, site.db.pool, { userId: id, now: new Date() })).toEqual({ status: 'erased' });
    const { rows } = await site.db.pool.query(
      `SELECT count(*)::int AS n FROM website_sessions WHERE sess->>'userId' = $1`,
      [id],
    );
    expect(rows[0].n).toBe(1);
    await browser.get('/api/v1/me').expect(401);
    const res = await browser.get('/profile');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
  });

  it('keeps privacy changes for signed-in players with the CSRF token', async () => {
    await site.browser().post('/settings/privacy').type('form').send({ profile_hidden: 'on' }).expect(403);
    const visitor = site.browser();
    const csrf = await csrfOf(visitor, '/');
    await visitor.post('/settings/delete').type('form').send({ _csrf: csrf, confirm: 'DELETE' }).expect(401);
  });
});
