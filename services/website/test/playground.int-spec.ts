/**
 * The playground page's routes against the real stand-ins' control API (no bots behind
 * them here: what a player does lands in the stand-ins' transcript, which is what the
 * bots would read). Without PLAYGROUND_API_URL there is no page at all.
 */
import net from 'node:net';
import { createProgression, createWake } from '@ttfd/shared';
import {
  createTestDatabase,
  PLAYGROUND_PLAYERS,
  startPlayground,
  type Playground,
  type TestDatabase,
} from '@ttfd/testing';
import { csrfOf, startTestWebsite, visibleText, type TestWebsite } from './harness';

let db: TestDatabase;
let playground: Playground;
let site: TestWebsite;
let bare: TestWebsite;

beforeAll(async () => {
  db = await createTestDatabase();
  playground = await startPlayground({ telegram: true, discord: true });
  site = await startTestWebsite({ db, env: { PLAYGROUND_API_URL: playground.url } });
  bare = await startTestWebsite({ db });
});
afterAll(async () => {
  await site?.stop();
  await bare?.stop();
  await playground?.close();
  await db?.drop();
});

/** A visitor whose browser asks for English. */
const visitor = (of: TestWebsite) => of.browser().set('accept-language', 'en');

const alice = PLAYGROUND_PLAYERS.find((p) => p.name === 'alice')!;
const sent = () => playground.transcript().filter((e) => e.kind === 'telegram_update' || e.kind === 'discord_message');

describe('without PLAYGROUND_API_URL', () => {
  it('has no playground: the page, its updates and its actions are 404', async () => {
    const browser = visitor(bare);
    await browser.get('/playground').expect(404);
    await browser.get('/playground/updates?player=alice&after=0').expect(404);
    const csrf = await csrfOf(browser);
    await browser
      .post('/playground/telegram/send')
      .type('form')
      .send({ _csrf: csrf, player: 'alice', text: '/dice' })
      .expect(404);
    expect(sent()).toEqual([]);
  });
});

describe('the playground page', () => {
  it('shows both chats, the player chooser and the profile, with labels', async () => {
    const res = await visitor(site).get('/playground?player=alice').expect(200);
    const text = visibleText(res.text);
    expect(text).toContain('Playground');
    expect(res.text).toContain('<label for="telegram-text">Message to the Telegram bot</label>');
    expect(res.text).toContain('<label for="discord-text">Message or slash command in Discord</label>');
    expect(res.text).toMatch(/<option value="alice" selected>alice<\/option>/);
    expect(res.text).toContain('<option value="general">#general</option>');
    expect(text).toContain('No account yet: write to a bot to create one.');
    expect(res.text).toContain('<script src="/static/playground.js" defer></script>');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.text).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|\sstyle=/);
  });

  it('speaks Russian from the catalogue', async () => {
    const browser = visitor(site);
    const csrf = await csrfOf(browser);
    await browser.post('/locale').type('form').send({ _csrf: csrf, locale: 'ru', back: '/' }).expect(303);
    const res = await browser.get('/playground?player=boris').expect(200);
    expect(res.text).toContain('<label for="telegram-text">Сообщение Telegram-боту</label>');
    expect(visibleText(res.text)).toContain('Песочница');
  });

  it('refuses an unknown player by naming the test players', async () => {
    const res = await visitor(site).get('/playground?player=mallory').expect(404);
    expect(visibleText(res.text)).toContain('There is nothing here.');
    const updates = await visitor(site).get('/playground/updates?player=mallory&after=0').expect(404);
    expect(updates.body.error.message).toBe('No test player "mallory"; players: alice, boris, chen');
  });

  it('sends a form to the Telegram stand-in and shows it in the Telegram pane', async () => {
    const browser = visitor(site);
    const csrf = await csrfOf(browser, '/playground');
    const res = await browser
      .post('/playground/telegram/send')
      .type('form')
      .send({ _csrf: csrf, player: 'alice', text: '/dice' })
      .expect(303);
    expect(res.headers.location).toBe('/playground?player=alice');
    expect(sent().at(-1)).toMatchObject({ kind: 'telegram_update', player: 'alice', text: '/dice' });
    const page = await browser.get('/playground?player=alice').expect(200);
    const pane = /<ol class="chat" id="telegram-chat"[\s\S]*?<\/ol>/.exec(page.text)![0];
    expect(visibleText(pane)).toBe('You /dice');
    // Boris's chat is his own.
    const boris = await browser.get('/playground?player=boris').expect(200);
    expect(visibleText(/<ol class="chat" id="telegram-chat"[\s\S]*?<\/ol>/.exec(boris.text)![0])).toBe('');
  });

  it('sends a chat line or a slash command to the Discord stand-in', async () => {
    const browser = visitor(site);
    const csrf = await csrfOf(browser, '/playground');
    const json = { accept: 'application/json' };
    const chat = await browser
      .post('/playground/discord/send')
      .set(json)
      .type('form')
      .send({ _csrf: csrf, player: 'alice', channel: 'games', content: 'hello all' })
      .expect(200);
    expect(chat.body).toEqual({ ok: true });
    expect(sent().at(-1)).toMatchObject({
      kind: 'discord_message',
      player: 'alice',
      channel: 'games',
      content: 'hello all',
    });
    await browser
      .post('/playground/discord/send')
      .set(json)
      .type('form')
      .send({ _csrf: csrf, player: 'alice', channel: 'general', content: '/link code:ABCD234567' })
      .expect(200);
    expect(playground.transcript().at(-1)).toMatchObject({
      kind: 'discord_command',
      player: 'alice',
      command: '/link code:ABCD234567',
    });
    // An unknown command: the stand-in's refusal, word for word.
    const refused = await browser
      .post('/playground/discord/send')
      .set(json)
      .type('form')
      .send({ _csrf: csrf, player: 'alice', channel: 'general', content: '/teleport' })
      .expect(404);
    expect(refused.body.error.message).toMatch(/^The stand-in refused: no command "\/teleport"; commands: .*link/);
  });

  it('answers bad input with a clear error on the page and sends nothing', async () => {
    const browser = visitor(site);
    const csrf = await csrfOf(browser, '/playground');
    const before = sent().length;
    const empty = await browser
      .post('/playground/telegram/send')
      .type('form')
      .send({ _csrf: csrf, player: 'alice', text: '   ' })
      .expect(400);
    expect(empty.text).toMatch(
      /<p class="notice notice-error" role="alert">Invalid body: text: must not be empty<\/p>/,
    );
    expect(empty.text).toContain('id="telegram-text"'); // the page again, to try once more
    const noChannel = await browser
      .post('/playground/discord/send')
      .type('form')
      .send({ _csrf: csrf, player: 'alice', channel: 'nowhere', content: 'hi' })
      .expect(404);
    expect(visibleText(noChannel.text)).toContain(
      'The stand-in refused: no text channel "nowhere"; channels: general, games',
    );
    const press = await browser
      .post('/playground/telegram/press')
      .set({ accept: 'application/json' })
      .type('form')
      .send({ _csrf: csrf, player: 'alice', message_id: '999', data: 'dice:again' })
      .expect(404);
    expect(press.body.error.message).toBe("The stand-in refused: no bot message 999 in alice's Telegram chat");
    expect(sent().length).toBe(before);
  });

  it('hands the script new pane lines after its cursor, and refuses a bad cursor', async () => {
    const browser = visitor(site);
    const all = await browser.get('/playground/updates?player=alice&after=0').expect(200);
    expect(all.body.cursor).toBe(playground.transcript().length);
    expect(all.body.telegram.map((i: { html: string }) => visibleText(i.html))).toContain('You /dice');
    const waited = Date.now();
    const none = await browser.get(`/playground/updates?player=alice&after=${all.body.cursor}&wait=300`).expect(200);
    expect(Date.now() - waited).toBeGreaterThanOrEqual(250);
    expect(none.body).toEqual({ cursor: all.body.cursor, telegram: [], discord: [] });
    const bad = await browser.get('/playground/updates?player=alice&after=-1').expect(400);
    expect(bad.body.error.message).toBe('Invalid query: after: must be a cursor (a whole number ≥ 0)');
  });

  it('shows the player’s profile fragment once they have an account', async () => {
    await createProgression({ pool: db.pool, wake: createWake(db.pool) }).award({
      player: { platform: 'telegram', id: String(alice.telegram.id) },
      xp: 30,
      coins: 2,
      reason: 'game',
      source: 'telegram',
    });
    const res = await visitor(site).get('/playground/profile?player=alice').expect(200);
    expect(res.text).toContain('<div class="value" data-live="xp">30</div>');
    expect(visibleText(res.text)).toContain('Discord roles: none');
  });
});

describe('when the stand-ins do not answer', () => {
  it('says so with 503', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const gone = await startTestWebsite({ db, env: { PLAYGROUND_API_URL: `http://127.0.0.1:${closed}` } });
    try {
      const res = await visitor(gone).get('/playground').expect(503);
      expect(visibleText(res.text)).toContain('The playground stand-ins do not answer');
    } finally {
      await gone.stop();
    }
  });
});
