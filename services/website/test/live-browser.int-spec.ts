import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createProgression, createWake, type Progression } from '@ttfd/shared';
import { killSpawned, spawnMain, waitUntil } from '@ttfd/testing';
import { launchChromium } from './chromium';
import { startTestWebsite, type TestWebsite } from './harness';
import { signedInAs } from './signed-in';

const WORKER_MAIN = path.join(__dirname, '../../sync-worker/src/main.ts');
/** Screenshots land beside the other browser tests' (gitignored). */
const ARTIFACTS = path.resolve(__dirname, '../../../.artifacts/website');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1000, height: 800 };
const cspViolations: string[] = [];

let site: TestWebsite;
let chromium: Browser;
let progression: Progression;
const contexts: BrowserContext[] = [];

/** A browser tab signed in as the account, in English unless asked. */
async function tabOf(userId: string, locale: 'en' | 'ru' = 'en') {
  const { cookie } = await signedInAs(site, userId, locale);
  const context = await chromium.newContext({ locale: locale === 'en' ? 'en-GB' : 'ru-RU', viewport: DESKTOP });
  contexts.push(context);
  const [name, value] = cookie.split('=') as [string, string];
  await context.addCookies([{ name, value, url: site.url }]);
  const page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return page;
}

/** The page at desktop and phone width, under .artifacts/website/. */
async function shoot(page: Page, name: string) {
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}

beforeAll(async () => {
  site = await startTestWebsite({ env: { ADMIN_EMAILS: 'admin@example.com' } });
  progression = createProgression({ pool: site.db.pool, wake: createWake(site.db.pool) });
  const worker = spawnMain(WORKER_MAIN, { DATABASE_URL: site.db.url, PORT: '0', SYNC_POLL_MS: '200' });
  chromium = await launchChromium();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await worker.logged('listening for new events', 30_000);
});
afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});
afterAll(async () => {
  await chromium?.close();
  killSpawned();
  await site.stop();
  expect(cspViolations).toEqual([]);
});

describe('in a real browser', () => {
  it('shows XP earned in Telegram on the open profile without a reload', async () => {
    const player = { platform: 'telegram', id: 7001 } as const;
    const { userId } = await progression.award({ player, xp: 40, coins: 3, reason: 'game', source: 'telegram' });
    await site.db.pool.query(`UPDATE unified_users SET display_name = 'Tg Player' WHERE id = $1`, [userId]);
    const page = await tabOf(userId);
    await page.goto(`${site.url}/profile`);
    await page.locator('[data-live-state="open"]').waitFor({ state: 'attached' });
    expect(await page.locator('[data-live="xp"]').textContent()).toBe('40');
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    // 1,000 XP in Telegram: more XP and coins, and a new rank.
    await progression.award({ player, xp: 1000, coins: 25, reason: 'game', source: 'telegram' });
    await page.locator('[data-live="xp"]', { hasText: '1,040' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-live="coins"]').textContent()).toBe('28');
    expect(await page.locator('[data-live="rank"]').textContent()).not.toBe('Recruit');
    expect(await page.locator('#activity').textContent()).toContain('Telegram');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await shoot(page, 'profile-live-en');
  });

  it('pages through the leaderboard and jumps to "my position" in one click', async () => {
    const { rows } = await site.db.pool.query<{ id: string }>(
      `INSERT INTO unified_users (telegram_id, primary_platform, display_name, xp)
       SELECT 900000 + g, 'telegram', 'Ranked ' || g, 100000 - g FROM generate_series(1, 45) g RETURNING id`,
    );
    const page = await tabOf(rows[32]!.id);
    await page.goto(`${site.url}/leaderboard`);
    expect(await page.locator('tbody tr').count()).toBe(20);
    await page.getByRole('link', { name: 'Next' }).click();
    await page.waitForURL(/page=2/);
    expect(await page.locator('tbody tr').first().locator('td').first().textContent()).toBe('21');
    await page.getByRole('link', { name: 'Previous' }).click();
    await page.waitForURL(/page=1/);
    await page.getByRole('link', { name: 'My position' }).click();
    await page.waitForURL(/page=2#me$/);
    const mine = page.locator('tr.me');
    expect(await mine.count()).toBe(1);
    expect(await mine.textContent()).toContain('Ranked 33');
    expect(await mine.textContent()).toContain('(you)');
    expect(await mine.isVisible()).toBe(true);
    await shoot(page, 'leaderboard-en');
    const ru = await tabOf(rows[32]!.id, 'ru');
    await ru.goto(`${site.url}/leaderboard?board=overall&page=2`);
    expect(await ru.locator('tr.me').textContent()).toContain('(вы)');
    await shoot(ru, 'leaderboard-ru');
  });

  it('lets the admin replay a dead letter and watch it go', async () => {
    const { rows: users } = await site.db.pool.query<{ id: string }>(
      `INSERT INTO unified_users (website_email, primary_platform, display_name) VALUES ('admin@example.com', 'website', 'Admin')
       RETURNING id`,
    );
    const player = await progression.award({
      player: { platform: 'telegram', id: 7002 },
      xp: 1,
      reason: 'game',
      source: 'telegram',
    });
    const { rows } = await site.db.pool.query<{ id: string }>(
      `INSERT INTO cross_platform_events (user_id, event_type, source_platform, data, attempts, dead_at, outcome, last_error)
       VALUES ($1, 'achievement_unlocked', 'telegram', '{"achievement": "first_game"}', 10, now(), 'dead',
               'Discord 50013: Missing Permissions') RETURNING id`,
      [player.userId],
    );
    const id = rows[0]!.id;
    const page = await tabOf(users[0]!.id);
    await page.goto(`${site.url}/admin`);
    const row = page.locator(`#dead-${id}`);
    expect(await row.textContent()).toContain('Discord 50013: Missing Permissions');
    expect(await page.locator('svg.lag-chart').count()).toBe(1);
    await row.getByRole('button', { name: /Replay/ }).click();
    await page.waitForURL(/replayed=1/);
    expect(await page.getByRole('status').textContent()).toContain('The event is back in the queue.');
    expect(await page.locator(`#dead-${id}`).count()).toBe(0);
    await shoot(page, 'admin-en');
    const ru = await tabOf(users[0]!.id, 'ru');
    await ru.goto(`${site.url}/admin`);
    expect(await ru.locator('h1').textContent()).toBe('Конвейер событий');
    await shoot(ru, 'admin-ru');
    // The worker takes it from the queue: it is processed this time.
    await waitUntil(
      async () =>
        (await site.db.pool.query(`SELECT processed FROM cross_platform_events WHERE id = $1`, [id])).rows[0].processed,
      15_000,
      'the replayed event to be processed',
    );
  });
});
