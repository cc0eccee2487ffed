import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import {
  createTestDatabase,
  PLAYGROUND_PLAYERS,
  PLAYGROUND_RANK_ROLES,
  processesMarked,
  REGISTER_TS,
  waitUntil,
  type TestDatabase,
  type TranscriptEntry,
} from '@ttfd/testing';

/**
 * One player's journey through `make run` without tokens: the launcher starts the
 * stand-ins, the sync worker, the Telegram bot, the Discord bot and the website as separate
 * processes against one PostgreSQL. The player speaks through the website's playground page
 * open in real Chromium (Debian's, /usr/bin/chromium) and through the control API; the page
 * shows the bots' replies, the rank role and the profile changing. A screenshot of the page
 * after the journey lands in .artifacts/playground/ (gitignored).
 */
const root = path.resolve(__dirname, '../..');
const LAUNCHER = path.join(root, 'dev/src/launcher.ts');
const alice = PLAYGROUND_PLAYERS.find((p) => p.name === 'alice')!;
const roleOf = (rankId: number) => PLAYGROUND_RANK_ROLES.find((r) => r.rankId === rankId)!.roleId;
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = path.join(root, '.artifacts/playground');

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
});
afterAll(async () => {
  await db?.drop();
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['-r', REGISTER_TS, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

it('follows a player from Telegram to a rank role in Discord on the playground page, and stops everything on Ctrl-C', async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run \`make tools\` (it installs Debian's chromium)`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const websitePort = await freePort();
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttfd-chromium-'));
  // Chromium starts while the services do.
  const browser: Promise<BrowserContext> = chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1440, height: 1000 },
    locale: 'en-GB',
  });
  browser.catch(() => {}); // awaited below; a failure to start fails the test there
  const env = { ...process.env } as Record<string, string | undefined>;
  for (const name of [
    'TELEGRAM_BOT_TOKEN',
    'DISCORD_TOKEN',
    'DISCORD_GUILD_ID',
    'TELEGRAM_API_ROOT',
    'DISCORD_API_ROOT',
  ])
    delete env[name];
  const mark = randomUUID();
  const launcher = spawn(process.execPath, ['-r', REGISTER_TS, LAUNCHER], {
    env: {
      ...env,
      TTFD_TEST_RUN: mark,
      DATABASE_URL: db.url,
      TTFD_RUN_FROM_SOURCE: '1',
      PLAYGROUND_PORT: '0',
      SYNC_WORKER_PORT: '0',
      TELEGRAM_PORT: '0',
      DISCORD_PORT: '0',
      WEBSITE_PORT: String(websitePort),
      LOG_LEVEL: 'info',
      // Fixed awards, so the journey crosses the first rank (100 XP) at a known step.
      DISCORD_MESSAGE_XP_MIN: '40',
      DISCORD_MESSAGE_XP_MAX: '40',
      DISCORD_MESSAGE_XP_COOLDOWN_SECONDS: '1',
      TELEGRAM_DICE_WIN_XP: '30',
      TELEGRAM_DICE_PLAY_XP: '30',
      TELEGRAM_DICE_COOLDOWN_SECONDS: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  launcher.stdout!.on('data', (d) => (output += d));
  launcher.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
  try {
    const started = (text: string) => {
      if (launcher.exitCode !== null) throw new Error(`the launcher exited early:\n${output}`);
      return output.includes(text);
    };
    await waitUntil(
      () =>
        started('telegram bot up (long polling)') &&
        started('listening for new events') &&
        started('discord gateway ready') &&
        started('website up'),
      45_000,
      'the services to start',
    );
    expect(output).toMatch(/\[platform\].*telegram: the playground stand-in at http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/\[platform\].*discord: the playground stand-in at http:\/\/127\.0\.0\.1:\d+\/api/);
    expect(output).toContain('open the playground: http://localhost:3000/playground');
    const control = /control API: (http:\/\/127\.0\.0\.1:(\d+))\/playground/.exec(output)!;
    const api = async (method: string, route: string, body?: object) => {
      const res = await fetch(`${control[1]}${route}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body && JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as any;
    };
    const seen: TranscriptEntry[] = [];
    /** Waits for a transcript entry the bots produced. */
    const awaitEntry = (what: string, match: (e: any) => boolean) =>
      waitUntil(
        async () => {
          seen.push(...(await api('GET', `/playground/transcript?after=${seen.length}&wait=200`)).entries);
          return seen.find(match);
        },
        20_000,
        what,
      );
    const toAlice = (pattern: RegExp) => (e: any) =>
      e.kind === 'telegram_message' && e.player === 'alice' && pattern.test(e.text ?? '');
    const account = async () =>
      (
        await db.pool.query(
          `SELECT xp::int, rank_id, platforms FROM unified_users WHERE merged_into IS NULL AND discord_id = $1`,
          [alice.discord.id],
        )
      ).rows[0];

    // The playground page, open for alice: what the player types there goes to the bots.
    const context = await browser;
    const cspViolations: string[] = [];
    const page: Page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(`http://127.0.0.1:${websitePort}/playground?player=alice`);
    const telegramPane = page.locator('#telegram-chat');
    const discordPane = page.locator('#discord-chat');
    const profile = page.locator('#playground-profile');
    /** Types into the Telegram pane as the player does, and sends. */
    const typeInTelegram = async (text: string) => {
      await page.getByLabel('Message to the Telegram bot').fill(text);
      await page.getByLabel('Message to the Telegram bot').press('Enter');
    };
    /** Chats (or runs a slash command) in a channel of the page's Discord pane. */
    const typeInDiscord = async (channel: string, text: string) => {
      await page.getByLabel('Channel', { exact: true }).selectOption(channel);
      await page.getByLabel('Message or slash command in Discord').fill(text);
      await page.getByLabel('Message or slash command in Discord').press('Enter');
    };
    const onPage = (what: string, locator: ReturnType<Page['locator']>) =>
      locator.waitFor({ timeout: 20_000 }).catch(async (err: Error) => {
        await page.screenshot({ path: path.join(ARTIFACTS, 'playground-failed.png'), fullPage: true });
        throw new Error(`the page never showed ${what} (see playground-failed.png): ${err.message}`);
      });
    await expect(profile.textContent()).resolves.toContain('No account yet');

    // Registers in Telegram, typing /start into the page's Telegram pane.
    await typeInTelegram('/start');
    await awaitEntry('the welcome', toAlice(/^Hi, alice! Welcome to TTFD\./));
    await onPage('the welcome', telegramPane.getByText('Hi, alice! Welcome to TTFD.'));
    await onPage('the new account', profile.locator('[data-live="xp"]', { hasText: /^0$/ }));
    expect(await page.getByLabel('Message to the Telegram bot').inputValue()).toBe('');

    // Chats in Discord: a second account, for now.
    await api('POST', '/playground/discord/message', { player: 'alice', channel: 'general', content: 'hello all' });
    const firstChat = Date.now();
    await waitUntil(async () => (await account())?.xp === 40, 20_000, 'XP for the Discord message');
    await onPage('the second account', profile.getByText('Another account (Discord): 40 XP, until linked'));

    // Links on the page: a code from Telegram's /link, redeemed with /link code:<code> typed in the Discord
    // pane; the bot asks first, naming the Telegram account, and the player presses Merge under its reply.
    await typeInTelegram('/link');
    const linkReply = await awaitEntry('the link code', toAlice(/^🔗 Your link code: [0-9A-Z]{10}\n/));
    const code = /: ([0-9A-Z]{10})\n/.exec((linkReply as { text: string }).text)![1]!;
    await onPage('the link code', telegramPane.getByText(`Your link code: ${code}`));
    await typeInDiscord('general', `/link code:${code}`);
    const question: any = await awaitEntry(
      'the merge confirmation',
      (e) => e.kind === 'discord_reply' && e.player === 'alice' && e.buttons.length > 0,
    );
    expect(question.ephemeral).toBe(true);
    expect(question.embeds[0].description).toContain(
      `The other account: **Telegram …${String(alice.telegram.id).slice(-4)} (alice`,
    );
    const confirm = question.buttons.find((b: { custom_id: string }) => b.custom_id.startsWith('merge:'));
    expect(confirm).toMatchObject({ label: 'Merge', disabled: false });
    expect((await account()).platforms).toEqual(['discord']); // nothing merged before the press
    await discordPane.getByRole('button', { name: 'Merge' }).click();
    const merged: any = await awaitEntry(
      'the merge done',
      (e) => e.kind === 'discord_reply' && e.message_id === question.message_id && e.edited,
    );
    expect(merged.embeds[0].description).toMatch(/^✅ Accounts merged/);
    expect(merged.buttons).toEqual([]);
    expect(await account()).toEqual({ xp: 40, rank_id: 1, platforms: ['telegram', 'discord'] });

    // The page shows the merge: one account with both platforms, the Discord message's XP in it.
    await onPage('the merged account', profile.locator('[data-live="xp"]', { hasText: /^40$/ }));
    await onPage('both platforms', profile.locator('[data-live="platforms"]', { hasText: 'Telegram, Discord' }));

    // Plays dice in Telegram, typed into the page: the same account.
    await typeInTelegram('/dice');
    await awaitEntry('the dice result', toAlice(/^🎲 You: \d, bot: \d\. .* \+30 XP/));
    await waitUntil(async () => (await account()).xp === 70, 20_000, 'XP for the dice');
    await onPage('the dice result', telegramPane.getByText(/🎲 You: \d, bot: \d\. .* \+30 XP/));
    await onPage('the XP for the dice', profile.locator('[data-live="xp"]', { hasText: /^70$/ }));

    // Chats in Discord again once the message cooldown (1 s) is over: 110 XP, the second rank.
    await waitUntil(() => Date.now() - firstChat > 1_100, 5_000, 'the message cooldown');
    await typeInDiscord('games', 'gg everyone');
    await waitUntil(async () => (await account()).xp === 110, 20_000, 'XP for the second Discord message');
    expect((await account()).rank_id).toBe(2);

    // Discord shows the rank role, Telegram gets the notification.
    await awaitEntry(
      'the Private role',
      (e) => e.kind === 'discord_role' && e.player === 'alice' && e.role === 'Private' && e.change === 'added',
    );
    // The account registered first (Telegram, in English) survived the merge with its language.
    await awaitEntry('the rank notification', toAlice(/^🎖 New rank: Private! You have 110 XP\.$/));
    const roles = new Set<string>();
    for (const e of seen) {
      if (e.kind !== 'discord_role' || e.player !== 'alice') continue;
      if (e.change === 'added') roles.add(e.role_id);
      else roles.delete(e.role_id);
    }
    expect([...roles]).toEqual([roleOf(2)]);
    const { members } = (await api('GET', '/playground')).guild;
    expect(members.find((m: { player: string }) => m.player === 'alice').roles).toEqual(['Private']);

    // The page shows it all: the chat lines, the role, the notification, the new rank.
    await onPage('the second message', discordPane.getByText('gg everyone'));
    await onPage('the role', discordPane.getByText('Role added: Private'));
    await onPage('the rank notification', telegramPane.getByText('🎖 New rank: Private! You have 110 XP.'));
    await onPage('the rank', profile.locator('[data-live="rank"]', { hasText: 'Private' }));
    await onPage('the XP', profile.locator('[data-live="xp"]', { hasText: /^110$/ }));
    await onPage('the role in the profile', profile.getByText('Discord roles: Private'));
    await page.screenshot({ path: path.join(ARTIFACTS, 'playground.png'), fullPage: true });
    expect(cspViolations).toEqual([]);
    await context.close();

    // The ledger agrees with every total.
    const reconcile = await run([path.join(root, 'services/migrate/src/main.ts'), 'reconcile'], {
      DATABASE_URL: db.url,
    });
    expect(reconcile).toMatchObject({ code: 0 });

    // One Ctrl-C stops the services, then the stand-ins.
    process.kill(-launcher.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    const lines = output.split('\n');
    const at = (text: string, label = '') => lines.findIndex((l) => l.includes(label) && l.includes(text));
    for (const service of ['sync-worker', 'telegram', 'discord', 'website'])
      expect(at(`${service} exited (code 0)`)).toBeGreaterThan(0);
    expect(at('stand-ins stopped', '[stand-ins]')).toBeGreaterThan(at('discord exited (code 0)'));
    expect(at('stand-ins exited (code 0)')).toBeGreaterThan(0);
    expect(await portOpen(Number(control[2]))).toBe(false);
    expect(processesMarked('TTFD_TEST_RUN', mark)).toEqual([]);
  } finally {
    if (launcher.exitCode === null) process.kill(-launcher.pid!, 'SIGKILL');
    await (await browser.catch(() => null))?.close();
    fs.rmSync(profileDir, { recursive: true, force: true });
  }
}, 120_000);
