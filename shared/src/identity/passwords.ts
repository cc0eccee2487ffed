import { pbkdf2, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { hash, verify } from '@node-rs/argon2';

/**
 * Website passwords. New hashes are argon2id (OWASP's parameters). Hashes carried over from
 * the legacy Flask site are in Werkzeug's formats and verify as they are, then the caller
 * stores `hashPassword(pw)` in their place (`rehash: true`):
 *
 * - `pbkdf2:<digest>:<iterations>$<salt>$<hex>`: PBKDF2-HMAC(password, salt as UTF-8),
 *   the digest's own length (32 bytes for sha256);
 * - `scrypt:<n>:<r>:<p>$<salt>$<hex>`: scrypt(password, salt, N=n, r, p), 64 bytes.
 *
 * Anything else cannot be checked: the player sets a new password through a reset.
 */

/** argon2id (the library's default algorithm), memory 19 MiB, 2 passes, 1 lane (OWASP's first recommended setting). */
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const ARGON2_PARAMS = `m=${ARGON2_OPTIONS.memoryCost},t=${ARGON2_OPTIONS.timeCost},p=${ARGON2_OPTIONS.parallelism}`;

const PBKDF2_DIGESTS: Record<string, number> = { sha1: 20, sha256: 32, sha512: 64 };
/** Bounds that keep a hostile or corrupt stored hash from tying up the process. */
const MAX_PBKDF2_ITERATIONS = 10_000_000;
const MAX_SCRYPT_MEMORY = 1024 * 1024 * 1024;
const SCRYPT_KEY_LENGTH = 64;

const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: string,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

export type PasswordCheck =
  /** The password is right; with `rehash`, store `hashPassword(password)` in place of the old hash. */
  | { ok: true; rehash: boolean }
  /** Wrong password. */
  | { ok: false; rehash: false; resetNeeded: false }
  /** No usable hash (none, or a format this code cannot check): the player must reset the password. */
  | { ok: false; rehash: false; resetNeeded: true };

const WRONG: PasswordCheck = { ok: false, rehash: false, resetNeeded: false };
const RESET_NEEDED: PasswordCheck = { ok: false, rehash: false, resetNeeded: true };

export type PasswordFormat = 'argon2id' | 'werkzeug-pbkdf2' | 'werkzeug-scrypt';

type ParsedHash =
  | { format: 'argon2id' }
  | { format: 'werkzeug-pbkdf2'; digest: string; iterations: number; salt: string; expected: Buffer }
  | { format: 'werkzeug-scrypt'; n: number; r: number; p: number; salt: string; expected: Buffer };

export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** The format of a stored hash, or null when no login could ever verify against it. */
export function passwordFormat(stored: string | null | undefined): PasswordFormat | null {
  return parseHash(stored)?.format ?? null;
}

export async function verifyPassword(stored: string | null | undefined, password: string): Promise<PasswordCheck> {
  const parsed = parseHash(stored);
  if (!parsed) return RESET_NEEDED;
  switch (parsed.format) {
    case 'argon2id': {
      let ok: boolean;
      try {
        ok = await verify(stored as string, password);
      } catch {
        return RESET_NEEDED;
      }
      return ok ? { ok: true, rehash: !(stored as string).includes(`$${ARGON2_PARAMS}$`) } : WRONG;
    }
    case 'werkzeug-pbkdf2': {
      const actual = await pbkdf2Async(password, parsed.salt, parsed.iterations, parsed.expected.length, parsed.digest);
      return timingSafeEqual(actual, parsed.expected) ? { ok: true, rehash: true } : WRONG;
    }
    case 'werkzeug-scrypt': {
      const { n, r, p } = parsed;
      const actual = await scryptAsync(password, parsed.salt, parsed.expected.length, {
        N: n,
        r,
        p,
        maxmem: 132 * n * r * p,
      });
      return timingSafeEqual(actual, parsed.expected) ? { ok: true, rehash: true } : WRONG;
    }
  }
}

function parseHash(stored: string | null | undefined): ParsedHash | null {
  if (typeof stored !== 'string') return null;
  if (/^\$argon2id\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.test(stored)) {
    return { format: 'argon2id' };
  }
  const parts = stored.split('$');
  if (parts.length !== 3) return null;
  const [method, salt, hex] = parts as [string, string, string];
  if (salt.length === 0 || !/^(?:[0-9a-f]{2})+$/.test(hex)) return null;
  const expected = Buffer.from(hex, 'hex');
  const args = method.split(':');
  if (args[0] === 'pbkdf2' && args.length === 3) {
    const digest = args[1] as string;
    const iterations = positiveInteger(args[2]);
    const length = PBKDF2_DIGESTS[digest];
    if (length === undefined || iterations === null || iterations > MAX_PBKDF2_ITERATIONS) return null;
    if (expected.length !== length) return null;
    return { format: 'werkzeug-pbkdf2', digest, iterations, salt, expected };
  }
  if (args[0] === 'scrypt' && args.length === 4) {
    const [n, r, p] = [positiveInteger(args[1]), positiveInteger(args[2]), positiveInteger(args[3])];
    if (n === null || r === null || p === null) return null;
    if (n < 2 || (n & (n - 1)) !== 0 || 132 * n * r * p > MAX_SCRYPT_MEMORY) return null;
    if (expected.length !== SCRYPT_KEY_LENGTH) return null;
    return { format: 'werkzeug-scrypt', n, r, p, salt, expected };
  }
  return null;
}

function positiveInteger(text: string | undefined): number | null {
  if (text === undefined || !/^[1-9][0-9]{0,9}$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}
