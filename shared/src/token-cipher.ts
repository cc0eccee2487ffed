import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * OAuth tokens at rest: AES-256-GCM with a random 96-bit IV, stored as IV | tag | ciphertext.
 * The associated data names what the token is for (e.g. the Discord id and which token),
 * so a sealed value copied to another row or column does not open.
 */
export type TokenKey = Buffer & { readonly __tokenKey: unique symbol };

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A 32-byte key in base64, e.g. from `openssl rand -base64 32`. */
export const tokenKey = z
  .string()
  .refine((value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32, {
    message: 'must be 32 random bytes in base64 (openssl rand -base64 32)',
  })
  .transform((value) => Buffer.from(value, 'base64') as TokenKey);

export function sealToken(key: TokenKey, token: string, context: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** Throws when the value was sealed with another key or for another context, or was altered. */
export function openToken(key: TokenKey, sealed: Buffer, context: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}
