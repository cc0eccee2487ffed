import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { parseConfig } from './config';
import { openToken, sealToken, tokenKey, type TokenKey } from './token-cipher';

const key = randomBytes(32) as TokenKey;

test('a sealed token opens with its key and context, and nowhere else', () => {
  const sealed = sealToken(key, 'access-token-value', 'discord:1:access');
  expect(sealed.includes(Buffer.from('access-token-value'))).toBe(false);
  expect(openToken(key, sealed, 'discord:1:access')).toBe('access-token-value');
  expect(() => openToken(key, sealed, 'discord:2:access')).toThrow();
  expect(() => openToken(randomBytes(32) as TokenKey, sealed, 'discord:1:access')).toThrow();
  const altered = Buffer.from(sealed);
  altered[altered.length - 1]! ^= 1;
  expect(() => openToken(key, altered, 'discord:1:access')).toThrow();
});

test('the key variable must be 32 bytes of base64, and says so by name', () => {
  const schema = z.object({ DISCORD_TOKEN_KEY: tokenKey });
  expect(parseConfig(schema, { DISCORD_TOKEN_KEY: key.toString('base64') }).DISCORD_TOKEN_KEY.equals(key)).toBe(true);
  expect(() => parseConfig(schema, { DISCORD_TOKEN_KEY: randomBytes(16).toString('base64') })).toThrow(
    /DISCORD_TOKEN_KEY: must be 32 random bytes in base64/,
  );
  expect(() => parseConfig(schema, { DISCORD_TOKEN_KEY: 'not base64 at all!' })).toThrow(/DISCORD_TOKEN_KEY/);
});
