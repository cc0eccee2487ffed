import { randomUUID } from 'node:crypto';
import { startTestWebsite, visibleText, type TestWebsite } from './harness';
import { signedInAs, type SignedIn } from './signed-in';

let site: TestWebsite;
let admin: SignedIn;
let player: SignedIn;
let playerId: string;

/** A dead letter as the sync worker leaves one: attempts spent, the platform's error kept. */
async function deadLetter(error: string): Promise<string> {
  const { rows } = await site.db.pool.query<{ id: string }>(
    `INSERT INTO cross_platform_events (user_id, event_type, source_platform, data, attempts, dead_at, outcome, last_error)
     VALUES ($1, 'rank_up', 'telegram', '{}', 5, now(), 'dead', $2) RETURNING id`,
    [playerId, error],
  );
  return rows[0]!.id;
}

const isDead = async (id: string) =>
  (await site.db.pool.query(`SELECT dead_at IS NOT NULL AS dead FROM cross_platform_events WHERE id = $1`, [id]))
    .rows[0].dead;

beforeAll(async () => {
  site = await startTestWebsite({ env: { ADMIN_EMAILS: 'ops@example.com, Boss@Example.com' } });
  const { rows } = await site.db.pool.query<{ id: string; website_email: string }>(
    `INSERT INTO unified_users (website_email, primary_platform, display_name)
     VALUES ('boss@example.COM', 'website', 'Boss'), ('player@example.com', 'website', 'Player')
     RETURNING id, website_email`,
  );
  admin = await signedInAs(site, rows[0]!.id);
  playerId = rows[1]!.id;
  player = await signedInAs(site, playerId);
  // An hour of traffic: events processed 40 and 10 minutes ago.
  await site.db.pool.query(
    `INSERT INTO cross_platform_events (user_id, event_type, source_platform, created_at, processed, processed_at, outcome)
     SELECT $1, 'xp_change', 'telegram', t - (g % 50) * interval '1 millisecond', true, t, 'ok'
     FROM (VALUES (now() - interval '40 minutes'), (now() - interval '10 minutes')) AS m (t), generate_series(1, 100) g`,
    [playerId],
  );
});
afterAll(() => site.stop());

describe('admin routes refuse everyone but the configured admins', () => {
  const routes = ['/api/v1/events/stats', '/api/v1/events/dead'];

  it('asks a visitor to sign in', async () => {
    for (const route of routes) {
      const res = await site.browser().get(route).expect(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    await site.browser().get('/admin').expect(303).expect('location', '/login?next=%2Fadmin');
  });

  it('refuses a signed-in player who is not an admin, replay included, and changes nothing', async () => {
    const id = await deadLetter('Discord 50013: Missing Permissions');
    for (const route of routes) {
      const res = await player.browser.get(route).expect(403);
      expect(res.body).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });
    }
    await player.browser.post(`/api/v1/events/${id}/replay`).set('x-csrf-token', player.csrf).expect(403);
    const form = await player.browser
      .post(`/admin/events/${id}/replay`)
      .type('form')
      .send({ _csrf: player.csrf })
      .expect(403);
    expect(visibleText(form.text)).toContain('You may not do that.');
    const page = await player.browser.get('/admin').expect(403);
    expect(page.text).not.toContain('Missing Permissions');
    expect(await isDead(id)).toBe(true);
  });
});

describe('the admin page', () => {
  it('shows the backlog, a picture of lag percentiles over the hour, and dead letters with their errors', async () => {
    const id = await deadLetter('Telegram 403: bot was blocked by the user');
    await site.db.pool.query(
      `INSERT INTO cross_platform_events (user_id, event_type, source_platform, created_at)
                              VALUES ($1, 'xp_change', 'website', now() - interval '90 seconds')`,
      [playerId],
    );
    const res = await admin.browser.get('/admin').expect(200);
    const text = visibleText(res.text);
    expect(text).toMatch(/Pending events 1 \(of them waiting for a retry: 0\)/);
    expect(text).toMatch(/Oldest pending 9\d(\.\d)? s/);
    expect(res.text).toMatch(/<svg [^>]*role="img"/);
    // Two minutes with events, apart: two points per percentile, no table of numbers.
    expect(res.text.match(/<circle [^>]*class="lag-p99"/g)).toHaveLength(2);
    expect(text).toContain('Telegram 403: bot was blocked by the user');
    expect(res.text).toContain(`<form method="post" action="/admin/events/${id}/replay">`);
  });

  it('replays a dead letter from its button (with the CSRF token), and says so', async () => {
    const id = await deadLetter('Discord 10007: Unknown Member');
    const forged = await admin.browser.post(`/admin/events/${id}/replay`).type('form').send({}).expect(403);
    expect(visibleText(forged.text)).toContain('The form has expired');
    expect(await isDead(id)).toBe(true);
    await admin.browser
      .post(`/admin/events/${id}/replay`)
      .type('form')
      .send({ _csrf: admin.csrf })
      .expect(303)
      .expect('location', '/admin?replayed=1');
    expect(await isDead(id)).toBe(false);
    const page = await admin.browser.get('/admin?replayed=1').expect(200);
    expect(visibleText(page.text)).toContain('The event is back in the queue.');
    expect(page.text).not.toContain(`dead-${id}`);
    await admin.browser
      .post(`/admin/events/${id}/replay`)
      .type('form')
      .send({ _csrf: admin.csrf })
      .expect(303)
      .expect('location', '/admin?replayed=0');
  });

  it('is in Russian for a Russian admin', async () => {
    const { rows } = await site.db.pool.query(`SELECT id FROM unified_users WHERE display_name = 'Boss'`);
    const ru = await signedInAs(site, rows[0].id, 'ru');
    const res = await ru.browser.get('/admin').expect(200);
    expect(res.text).toContain('<html lang="ru">');
    expect(visibleText(res.text)).toContain('Недоставленные события');
  });
});

describe('the admin API', () => {
  it('gives the backlog and lag per minute as JSON', async () => {
    const res = await admin.browser.get('/api/v1/events/stats').expect(200);
    expect(res.body.stats).toEqual({
      pending: expect.any(Number),
      waitingRetry: 0,
      oldestPendingAgeSeconds: expect.any(Number),
      dead: expect.any(Number),
    });
    expect(res.body.lag.length).toBeGreaterThanOrEqual(2);
    expect(res.body.lag[0]).toEqual({
      minute: expect.any(String),
      events: 100,
      p50Seconds: expect.any(Number),
      p95Seconds: expect.any(Number),
      p99Seconds: expect.any(Number),
    });
  });

  it('lists dead letters newest first and replays one by id', async () => {
    const older = await deadLetter('first');
    const newer = await deadLetter('second');
    const list = await admin.browser.get('/api/v1/events/dead?limit=2').expect(200);
    expect(list.body.events.map((e: { id: string; lastError: string }) => [e.id, e.lastError])).toEqual([
      [newer, 'second'],
      [older, 'first'],
    ]);
    await admin.browser.post(`/api/v1/events/${older}/replay`).send({}).expect(403); // no CSRF token
    const replayed = await admin.browser
      .post(`/api/v1/events/${older}/replay`)
      .set('x-csrf-token', admin.csrf)
      .expect(200);
    expect(replayed.body).toEqual({ id: older, replayed: true });
    expect(await isDead(older)).toBe(false);
    const again = await admin.browser
      .post(`/api/v1/events/${older}/replay`)
      .set('x-csrf-token', admin.csrf)
      .expect(404);
    expect(again.body.error.code).toBe('not_found');
  });

  it('refuses bad input with 400 naming the field', async () => {
    for (const [path, field] of [
      ['/api/v1/events/dead?limit=0', 'limit'],
      ['/api/v1/events/dead?limit=many', 'limit'],
      ['/api/v1/events/dead?limit=501', 'limit'],
      ['/api/v1/events/dead?order=asc', 'query'],
    ] as const) {
      const res = await admin.browser.get(path).expect(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    }
    const bad = await admin.browser
      .post('/api/v1/events/not-a-uuid/replay')
      .set('x-csrf-token', admin.csrf)
      .expect(400);
    expect(bad.body.error.details[0].path).toBe('id');
    await admin.browser.post(`/api/v1/events/${randomUUID()}/replay`).set('x-csrf-token', admin.csrf).expect(404);
  });
});
