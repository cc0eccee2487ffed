import { createHash, createHmac } from 'node:crypto';
import { telegramDataCheckString, verifyTelegramLogin, type TelegramLoginPayload } from './telegram-login';

const TOKEN = '123456789:AAHk-test-token-for-the-login-widget';
const NOW = new Date('2026-03-10T12:00:00Z');
const nowSeconds = NOW.getTime() / 1000;

/** Signs fields the way Telegram documents it, independently of the code under test. */
function signed(fields: Record<string, string | number>, token = TOKEN): TelegramLoginPayload {
  const checkString = Object.entries(fields)
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join('\n');
  const key = createHash('sha256').update(token).digest();
  return { ...fields, hash: createHmac('sha256', key).update(checkString).digest('hex') };
}

const fields = {
  id: 424242,
  first_name: 'Ann',
  username: 'ann_plays',
  photo_url: 'https://t.me/i/userpic/320/ann.jpg',
  auth_date: nowSeconds - 60,
};

describe('Telegram Login Widget', () => {
  it('builds the data-check string from the sorted fields except hash', () => {
    expect(telegramDataCheckString({ username: 'u', id: 7, auth_date: 100, hash: 'x', last_name: undefined })).toBe(
      'auth_date=100\nid=7\nusername=u',
    );
  });

  it('accepts a payload signed with the bot token', () => {
    expect(verifyTelegramLogin(signed(fields), TOKEN, { now: NOW })).toEqual({
      ok: true,
      telegramId: '424242',
      username: 'ann_plays',
      firstName: 'Ann',
      authDate: new Date((nowSeconds - 60) * 1000),
    });
  });

  it('accepts the fields as strings, as a query string delivers them', () => {
    const payload = Object.fromEntries(Object.entries(signed(fields)).map(([k, v]) => [k, String(v)]));
    expect(verifyTelegramLogin(payload, TOKEN, { now: NOW })).toMatchObject({ ok: true, telegramId: '424242' });
  });

  it('rejects a changed, added or removed field', () => {
    const payload = signed(fields);
    expect(verifyTelegramLogin({ ...payload, id: 424243 }, TOKEN, { now: NOW })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyTelegramLogin({ ...payload, last_name: 'X' }, TOKEN, { now: NOW })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    const { username: _dropped, ...fewer } = payload;
    expect(verifyTelegramLogin(fewer, TOKEN, { now: NOW })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a payload signed with another token', () => {
    expect(verifyTelegramLogin(signed(fields, '987654321:other-bot'), TOKEN, { now: NOW })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('rejects a missing or malformed hash', () => {
    const { hash, ...unsigned } = signed(fields);
    expect(verifyTelegramLogin(unsigned, TOKEN, { now: NOW })).toEqual({ ok: false, reason: 'missing_hash' });
    expect(verifyTelegramLogin({ ...unsigned, hash: '' }, TOKEN, { now: NOW })).toEqual({
      ok: false,
      reason: 'missing_hash',
    });
    for (const bad of [String(hash).slice(0, 62), `${hash}00`, 'z'.repeat(64)]) {
      expect(verifyTelegramLogin({ ...unsigned, hash: bad }, TOKEN, { now: NOW })).toEqual({
        ok: false,
        reason: 'bad_signature',
      });
    }
  });

  it('rejects an auth_date older than a day, or than the configured age', () => {
    const day = 24 * 60 * 60;
    expect(
      verifyTelegramLogin(signed({ ...fields, auth_date: nowSeconds - day + 5 }), TOKEN, { now: NOW }),
    ).toMatchObject({ ok: true });
    expect(verifyTelegramLogin(signed({ ...fields, auth_date: nowSeconds - day - 1 }), TOKEN, { now: NOW })).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(
      verifyTelegramLogin(signed({ ...fields, auth_date: nowSeconds - 600 }), TOKEN, { now: NOW, maxAgeSeconds: 300 }),
    ).toEqual({ ok: false, reason: 'stale' });
  });

  it('rejects an auth_date in the future', () => {
    expect(verifyTelegramLogin(signed({ ...fields, auth_date: nowSeconds + 3600 }), TOKEN, { now: NOW })).toEqual({
      ok: false,
      reason: 'from_the_future',
    });
    expect(verifyTelegramLogin(signed({ ...fields, auth_date: nowSeconds + 5 }), TOKEN, { now: NOW })).toMatchObject({
      ok: true,
    });
  });

  it('rejects a signed payload without a usable id or auth_date', () => {
    const { id: _id, ...noId } = fields;
    expect(verifyTelegramLogin(signed(noId), TOKEN, { now: NOW })).toEqual({ ok: false, reason: 'missing_id' });
    expect(verifyTelegramLogin(signed({ ...fields, auth_date: 'yesterday' }), TOKEN, { now: NOW })).toEqual({
      ok: false,
      reason: 'bad_auth_date',
    });
  });
});
