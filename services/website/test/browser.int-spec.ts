/**
 * The website in real Chromium (Debian's, at /usr/bin/chromium; `make tools` installs it),
 * driven by playwright-core with a fresh profile. Screenshots of the main pages in both
 * languages, at desktop and phone width, land in .artifacts/website/ (gitignored).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createLinking, createProgression, createWake } from '@ttfd/shared';
import { startTestWebsite, type TestWebsite } from './harness';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = path.resolve(__dirname, '../../../.artifacts/website');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

let site: TestWebsite;
let context: BrowserContext;
let profileDir: string;
const cspViolations: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run \`make tools\` (it installs Debian's chromium)`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  site = await startTestWebsite();
  profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttfd-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: DESKTOP,
    locale: 'en-GB',
  });
});
afterAll(async () => {
  await context?.close();
  if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
  await site?.stop();
});

async function newPage(): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return page;
}

const url = (p: string) => `${site.url}${p}`;

async function shoot(page: Page, name: string): Promise<void> {
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}

async function signUp(page: Page, email: string, name: string): Promise<void> {
  await page.goto(url('/signup'));
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('a long enough passphrase');
  await page.getByLabel('Name shown to others (optional)').fill(name);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(url('/profile'));
}

async function logOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(url('/'));
}

describe('the website in Chromium', () => {
  it('signs up, logs out, logs in and shows the profile', async () => {
    const page = await newPage();
    await signUp(page, 'rita@example.org', 'Rita');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Your profile: Rita');
    await shoot(page, 'profile-en');
    await logOut(page);
    await page.goto(url('/login'));
    await shoot(page, 'login-en');
    await page.getByLabel('Email').fill('rita@example.org');
    await page.getByLabel('Password').fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(url('/profile'));
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Your profile: Rita');
    await logOut(page);
    await page.close();
  });

  it('logs in with the keyboard only', async () => {
    const page = await newPage();
    await signUp(page, 'kate@example.org', 'Kate');
    await logOut(page);
    await page.goto(url('/login'));
    // From the top of the page: Tab until the email field has focus (skip link, navigation, language first).
    for (let i = 0; i < 15; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.id)) === 'email') break;
    }
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');
    await page.keyboard.type('kate@example.org');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    await page.keyboard.type('a long enough passphrase');
    await page.keyboard.press('Enter');
    await page.waitForURL(url('/profile'));
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Your profile: Kate');
    await logOut(page);
    await page.close();
  });

  it('creates a link code, which Telegram redeems and confirms through the identity domain: the stats merge', async () => {
    const page = await newPage();
    await signUp(page, 'lina@example.org', 'Lina');
    await page.goto(url('/link'));
    await page.getByRole('button', { name: 'Create a code' }).click();
    const code = (await page.locator('#link-code').textContent())!.trim();
    expect(code).toMatch(/^[A-Z0-9]{10}$/);
    await shoot(page, 'link-en');

    const wake = createWake(site.db.pool);
    const telegram = { platform: 'telegram' as const, id: '8880001' };
    await createProgression({ pool: site.db.pool, wake }).award({
      player: telegram,
      xp: 150,
      coins: 12,
      reason: 'game',
      source: 'telegram',
    });
    const linking = createLinking({ pool: site.db.pool, wake });
    const asked = await linking.redeemLinkCode(telegram, code);
    expect(asked.status).toBe('needs_confirmation');
    if (asked.status !== 'needs_confirmation') return;
    expect((await linking.confirmMerge({ confirmToken: asked.confirmToken, by: telegram })).status).toBe('merged');

    await page.goto(url('/profile'));
    await expect(page.locator('[data-live="xp"]').textContent()).resolves.toBe('150');
    await expect(page.locator('[data-live="coins"]').textContent()).resolves.toBe('12');
    await page.getByText('Telegram: linked').waitFor();
    await logOut(page);
    await page.close();
  });

  /**
   * Presses the language switch: it posts, is answered 303 back to the same URL, and that
   * page comes in the new language (waited for by a locator, which outlives the navigation).
   */
  async function switchLanguage(page: Page, button: RegExp, lang: string): Promise<void> {
    const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === url('/locale'));
    await page.getByRole('button', { name: button }).click();
    expect((await posted).status()).toBe(303);
    await page.locator(`html[lang="${lang}"]`).waitFor({ state: 'attached' });
  }

  it('switches the language and remembers it', async () => {
    const page = await newPage();
    await page.goto(url('/'));
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await shoot(page, 'home-en');
    await switchLanguage(page, /Русский/, 'ru');
    expect(await page.getAttribute('html', 'lang')).toBe('ru');
    await shoot(page, 'home-ru');
    await page.goto(url('/login'));
    expect(await page.getAttribute('html', 'lang')).toBe('ru');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Вход');
    await shoot(page, 'login-ru');
    await page.goto(url('/signup'));
    await shoot(page, 'signup-ru');
    await page.getByLabel('Электронная почта').fill('yana@example.org');
    await page.getByLabel('Пароль', { exact: true }).fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Создать аккаунт' }).click();
    await page.waitForURL(url('/profile'));
    await shoot(page, 'profile-ru');
    await page.goto(url('/link'));
    await shoot(page, 'link-ru');
    await switchLanguage(page, /English/, 'en');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.close();
  });

  it('broke no Content Security Policy rule on any page', () => {
    expect(cspViolations).toEqual([]);
    expect(fs.readdirSync(ARTIFACTS).filter((f) => f.endsWith('.png')).length).toBeGreaterThanOrEqual(16);
  });
});
