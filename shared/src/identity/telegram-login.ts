/**
 * Verifies a Telegram Login Widget payload (https://core.telegram.org/widgets/login).
 *
 *   verifyTelegramLogin(payload, botToken, { now, maxAgeSeconds }) -> TelegramLogin
 *
 * The data-check string is every received field except `hash`, as `key=value`, sorted by
 * key and joined with '\n'; the expected hash is its HMAC-SHA256 (hex) keyed with
 * SHA-256(bot token). Hashes are compared in constant time. `auth_date` must be no older
 * than `maxAgeSeconds` (default one day) and not in the future beyond a small clock skew.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The widget's fields as they arrive (query string or JSON); extra fields are signed too. */
export type TelegramLoginPayload = Record<string, string | number | null | undefined>;

export type TelegramLoginRejection =
  'missing_hash' | 'bad_signature' | 'missing_id' | 'bad_auth_date' | 'stale' | 'from_the_future';

export type TelegramLogin =
  | { ok: true; telegramId: string; username: string | null; firstName: string | null; authDate: Date }
  | { ok: false; reason: TelegramLoginRejection };

export const TELEGRAM_LOGIN_MAX_AGE_SECONDS = 24 * 60 * 60;
/** How far `auth_date` may be ahead of our clock (Telegram's and ours differ by seconds). */
export const TELEGRAM_LOGIN_CLOCK_SKEW_SECONDS = 30;

export interface TelegramLoginOptions {
  now?: Date;
  maxAgeSeconds?: number;
  clockSkewSeconds?: number;
}

/** The data-check string Telegram signs. */
export function telegramDataCheckString(payload: TelegramLoginPayload): string {
  return Object.keys(payload)
    .filter((key) => key !== 'hash' && payload[key] !== undefined && payload[key] !== null)
    .sort()
    .map((key) => `${key}=${payload[key]}`)
    .join('\n');
}

export function verifyTelegramLogin(
  payload: TelegramLoginPayload,
  botToken: string,
  options: TelegramLoginOptions = {},
): TelegramLogin {
  const hash = payload.hash;
  if (typeof hash !== 'string' || hash === '') return { ok: false, reason: 'missing_hash' };
  const secret = createHash('sha256').update(botToken).digest();
  const expected = createHmac('sha256', secret).update(telegramDataCheckString(payload)).digest();
  const given = /^[0-9a-f]{64}$/i.test(hash) ? Buffer.from(hash, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad_signature' };
  }

  const id = String(payload.id ?? '');
  if (!/^[1-9][0-9]{0,18}$/.test(id)) return { ok: false, reason: 'missing_id' };
  const authDate = Number(payload.auth_date);
  if (!Number.isSafeInteger(authDate) || authDate <= 0) return { ok: false, reason: 'bad_auth_date' };
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (authDate > nowSeconds + (options.clockSkewSeconds ?? TELEGRAM_LOGIN_CLOCK_SKEW_SECONDS)) {
    return { ok: false, reason: 'from_the_future' };
  }
  if (nowSeconds - authDate > (options.maxAgeSeconds ?? TELEGRAM_LOGIN_MAX_AGE_SECONDS)) {
    return { ok: false, reason: 'stale' };
  }
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return {
    ok: true,
    telegramId: id,
    username: text(payload.username),
    firstName: text(payload.first_name),
    authDate: new Date(authDate * 1000),
  };
}
