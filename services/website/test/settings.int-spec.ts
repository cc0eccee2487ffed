import { csrfOf, isChecked, startTestWebsite, visibleText, type TestWebsite } from './harness';

let site: TestWebsite;
beforeAll(async () => {
  site = await startTestWebsite();
});
afterAll(() => site.stop());

it('turns notifications off, recording the change as an event from the website', async () => {
  const browser = site.browser();
  let csrf = await csrfOf(browser, '/signup');
  await browser
    .post('/signup')
    .type('form')
    .send({ _csrf: csrf, email: 'nika@example.org', password: 'a long enough passphrase' })
    .expect(303);
  const before = await browser.get('/settings').set('accept-language', 'en').expect(200);
  expect(isChecked(before.text, 'notifications')).toBe(true);
  csrf = await csrfOf(browser, '/settings');
  await browser.post('/settings/notifications').type('form').send({ _csrf: csrf }).expect(303);
  const after = await browser.get('/settings').set('accept-language', 'en').expect(200);
  expect(visibleText(after.text)).toContain('Saved.');
  expect(isChecked(after.text, 'notifications')).toBe(false);
  const { rows } = await site.db.pool.query(
    `SELECT e.source_platform, e.data FROM cross_platform_events e JOIN unified_users u ON u.id = e.user_id
     WHERE u.website_email = 'nika@example.org' AND e.event_type = 'notification_settings_changed'`,
  );
  expect(rows).toEqual([{ source_platform: 'website', data: { enabled: false } }]);
  await browser.post('/settings/notifications').type('form').send({ _csrf: csrf, enabled: 'yes' }).expect(400);
});

it('keeps settings for signed-in players and refuses changes without the CSRF token', async () => {
  expect((await site.browser().get('/settings')).headers.location).toBe('/login?next=%2Fsettings');
  await site.browser().post('/settings/notifications').type('form').send({ enabled: 'on' }).expect(403);
});
