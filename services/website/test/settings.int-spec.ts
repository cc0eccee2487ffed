import { markUnreachable } from '@ttfd/shared';
import { csrfOf, isChecked, startTestWebsite, visibleText, type TestWebsite } from './harness';
import { signedInAs } from './signed-in';

let site: TestWebsite;
beforeAll(async () => {
  site = await startTestWebsite();
});
afterAll(() => site.stop());

/** An account linked to Telegram and Discord (ids from `n`). */
async function linkedPlayer(n: number): Promise<string> {
  const { rows } = await site.db.pool.query(
    `INSERT INTO unified_users (telegram_id, discord_id, primary_platform, display_name)
     VALUES ($1, $2, 'telegram', 'Linked') RETURNING id`,
    [n, `9${n}000000000000`],
  );
  return rows[0].id;
}

it('offers no checkbox before Telegram or Discord is linked, and says how to get one', async () => {
  const browser = site.browser();
  const csrf = await csrfOf(browser, '/signup');
  await browser
    .post('/signup')
    .type('form')
    .send({ _csrf: csrf, email: 'nika@example.org', password: 'a long enough passphrase' })
    .expect(303);
  const page = await browser.get('/settings').set('accept-language', 'en').expect(200);
  expect(visibleText(page.text)).toContain('Link Telegram or Discord to get notifications there. Link accounts');
  expect(page.text).not.toMatch(/type="checkbox"\s+id="notifications-/);
});

it('turns one platform off and keeps the other, recording the change as an event from the website', async () => {
  const userId = await linkedPlayer(5101);
  const { browser, csrf } = await signedInAs(site, userId, 'en');
  const before = await browser.get('/settings').expect(200);
  expect(visibleText(before.text)).toContain('Messages from the Telegram bot');
  expect(visibleText(before.text)).toContain('Direct messages from the Discord bot');
  expect(isChecked(before.text, 'notifications-telegram')).toBe(true);
  expect(isChecked(before.text, 'notifications-discord')).toBe(true);

  await browser
    .post('/settings/notifications')
    .type('form')
    .send({ _csrf: csrf, offered: 'telegram,discord', discord: 'on' })
    .expect(303);
  const after = await browser.get('/settings').expect(200);
  expect(visibleText(after.text)).toContain('Saved.');
  expect(isChecked(after.text, 'notifications-telegram')).toBe(false);
  expect(isChecked(after.text, 'notifications-discord')).toBe(true);
  const { rows } = await site.db.pool.query(
    `SELECT e.source_platform, e.data FROM cross_platform_events e
     WHERE e.user_id = $1 AND e.event_type = 'notification_settings_changed' ORDER BY e.seq`,
    [userId],
  );
  expect(rows).toEqual([{ source_platform: 'website', data: { platform: 'telegram', enabled: false } }]);
  const me = await browser.get('/api/v1/me').expect(200);
  expect(me.body.notifications).toEqual({
    telegram: { enabled: false, linked: true },
    discord: { enabled: true, linked: true },
    refused: [],
  });

  // In Russian, the labels come from the same catalogue.
  const ru = await signedInAs(site, userId, 'ru');
  const page = await ru.browser.get('/settings').expect(200);
  expect(visibleText(page.text)).toContain('Сообщения от бота в Telegram');
  expect(visibleText(page.text)).toContain('Личные сообщения от бота в Discord');

  // A platform the page did not offer (linked since) keeps its setting.
  await browser.post('/settings/notifications').type('form').send({ _csrf: csrf, offered: 'telegram' }).expect(303);
  const unchanged = await browser.get('/settings').expect(200);
  expect(isChecked(unchanged.text, 'notifications-discord')).toBe(true);
});

it('shows under a platform that it refused delivery, and how to bring it back', async () => {
  const userId = await linkedPlayer(5102);
  await markUnreachable(site.db.pool, [
    { userId, target: 'discord:dm', identity: '95102000000000000', reason: 'discord: 50007 Cannot send messages' },
  ]);
  const { browser } = await signedInAs(site, userId, 'en');
  const page = await browser.get('/settings').expect(200);
  expect(page.text).toMatch(/id="notifications-discord"[^>]*aria-describedby="notifications-discord-refused"/);
  expect(visibleText(page.text)).toContain(
    '⚠️ Discord: your direct messages are closed to the bot — Discord messages are paused. Allow direct messages from server members, then send /notify on.',
  );
  expect(page.text).not.toContain('data-refused="telegram:message"');
  // Still switched on: the refusal pauses it, the choice stays the player's.
  expect(isChecked(page.text, 'notifications-discord')).toBe(true);
});

it('refuses bad input and changes without the CSRF token, leaving the settings as they were', async () => {
  const userId = await linkedPlayer(5103);
  const { browser, csrf } = await signedInAs(site, userId, 'en');
  const bad = await browser
    .post('/settings/notifications')
    .type('form')
    .send({ _csrf: csrf, offered: 'telegram', telegram: 'yes' })
    .expect(400);
  expect(visibleText(bad.text)).toContain('The request was not understood.');
  await browser.post('/settings/notifications').type('form').send({ _csrf: csrf, offered: 'website' }).expect(400);
  const forged = await browser.post('/settings/notifications').type('form').send({ offered: 'telegram,discord' });
  expect(forged.status).toBe(403);
  const { rows } = await site.db.pool.query(
    `SELECT telegram_notifications, discord_notifications,
            (SELECT count(*)::int FROM cross_platform_events WHERE user_id = $1) AS events
     FROM unified_users WHERE id = $1`,
    [userId],
  );
  expect(rows).toEqual([{ telegram_notifications: true, discord_notifications: true, events: 0 }]);
  expect((await site.browser().get('/settings')).headers.location).toBe('/login?next=%2Fsettings');
  await site.browser().post('/settings/notifications').type('form').send({ offered: 'telegram' }).expect(403);
});

it('API: me/notifications switches one platform with the CSRF header, in the one error shape otherwise', async () => {
  const userId = await linkedPlayer(5104);
  const { browser, csrf } = await signedInAs(site, userId, 'en');
  const noToken = await browser.post('/api/v1/me/notifications').send({ platform: 'discord', enabled: false });
  expect(noToken.status).toBe(403);
  expect(noToken.body.error.code).toBe('csrf_failed');
  const bad = await browser
    .post('/api/v1/me/notifications')
    .set('x-csrf-token', csrf)
    .send({ platform: 'website', enabled: false })
    .expect(400);
  expect(bad.body.error.code).toBe('bad_request');
  const res = await browser
    .post('/api/v1/me/notifications')
    .set('x-csrf-token', csrf)
    .send({ platform: 'discord', enabled: false })
    .expect(200);
  expect(res.body).toEqual({
    telegram: { enabled: true, linked: true },
    discord: { enabled: false, linked: true },
    refused: [],
  });
  const doc = await site.browser().get('/api/v1/openapi.json').expect(200);
  expect(
    doc.body.paths['/api/v1/me/notifications'].post.responses['200'].content['application/json'].schema,
  ).toMatchObject({ required: ['telegram', 'discord', 'refused'] });
});
