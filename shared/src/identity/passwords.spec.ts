import { hashPassword, passwordFormat, verifyPassword } from './passwords';

/**
 * Werkzeug's hashes, made with Python's hashlib exactly as Werkzeug's `_hash_internal` makes
 * them (Werkzeug itself was not installable where these were generated):
 *
 *   import hashlib
 *   "pbkdf2:sha256:600000$Rq3cNw8yBvTk1zXa$" + hashlib.pbkdf2_hmac("sha256", "correct horse battery staple".encode(), "Rq3cNw8yBvTk1zXa".encode(), 600000).hex()
 *   "pbkdf2:sha256:260000$äß€😀salt$" + hashlib.pbkdf2_hmac("sha256", "пароль 🔑".encode(), "äß€😀salt".encode(), 260000).hex()
 *   "pbkdf2:sha1:1000$abc$" + hashlib.pbkdf2_hmac("sha1", b"secret", b"abc", 1000).hex()
 *   "scrypt:32768:8:1$hVq2x7LmPz0aKc4R$" + hashlib.scrypt("correct horse battery staple".encode(), salt="hVq2x7LmPz0aKc4R".encode(), n=32768, r=8, p=1, dklen=64, maxmem=132*32768*8*1).hex()
 *   "scrypt:16384:8:2$s4lT$" + hashlib.scrypt("пароль 🔑".encode(), salt="s4lT".encode(), n=16384, r=8, p=2, dklen=64, maxmem=132*16384*8*2).hex()
 */
const WERKZEUG = {
  pbkdf2: 'pbkdf2:sha256:600000$Rq3cNw8yBvTk1zXa$4829f0e53ae42be5dd1c56d2693eff43922f4c847a8f46206509d0bb747a2327',
  pbkdf2Unicode: 'pbkdf2:sha256:260000$äß€😀salt$0a07b1f380d7edbf1e19098f4e964e1d35c8e8cc6359aaebf76d978625002e8f',
  pbkdf2Sha1: 'pbkdf2:sha1:1000$abc$9761f6a2882caf25762f0f5aee1d73ef191c5bc9',
  scrypt:
    'scrypt:32768:8:1$hVq2x7LmPz0aKc4R$a147ce4df5f9e33369bf366c508eb09fbb69dd69854a9fe382624a19a20bcbd3f6884ee421b5252ad47e0f2f0528879255afe0c9611d37607d7d58a6a9a4bc10',
  scryptUnicode:
    'scrypt:16384:8:2$s4lT$501fad4c5e2028448d73ccec551fa633b65ba969372c294820ee1900b4531a20c1d7aaf52a1cb0f0f16506f48c0bd33710b67918e771e489d4a535b94475dc6b',
};

const PASSWORD = 'correct horse battery staple';
const UNICODE_PASSWORD = 'пароль 🔑';

describe('website passwords', () => {
  it('hashes new passwords with argon2id and verifies them without asking for a rehash', async () => {
    const stored = await hashPassword(PASSWORD);
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(passwordFormat(stored)).toBe('argon2id');
    await expect(verifyPassword(stored, PASSWORD)).resolves.toEqual({ ok: true, rehash: false });
    await expect(verifyPassword(stored, 'correct horse battery stapl')).resolves.toEqual({
      ok: false,
      rehash: false,
      resetNeeded: false,
    });
  });

  it('salts: the same password hashes differently twice', async () => {
    expect(await hashPassword(PASSWORD)).not.toBe(await hashPassword(PASSWORD));
  });

  it.each([
    ['pbkdf2 sha256', WERKZEUG.pbkdf2, PASSWORD, 'werkzeug-pbkdf2'],
    ['pbkdf2 sha256, unicode password and salt', WERKZEUG.pbkdf2Unicode, UNICODE_PASSWORD, 'werkzeug-pbkdf2'],
    ['pbkdf2 sha1', WERKZEUG.pbkdf2Sha1, 'secret', 'werkzeug-pbkdf2'],
    ['scrypt', WERKZEUG.scrypt, PASSWORD, 'werkzeug-scrypt'],
    ['scrypt, unicode password, p=2', WERKZEUG.scryptUnicode, UNICODE_PASSWORD, 'werkzeug-scrypt'],
  ])('accepts the right password against a Werkzeug %s hash and asks for a rehash', async (_, stored, pw, format) => {
    expect(passwordFormat(stored)).toBe(format);
    await expect(verifyPassword(stored, pw)).resolves.toEqual({ ok: true, rehash: true });
    await expect(verifyPassword(stored, `${pw}!`)).resolves.toEqual({ ok: false, rehash: false, resetNeeded: false });
    await expect(verifyPassword(stored, '')).resolves.toEqual({ ok: false, rehash: false, resetNeeded: false });
  });

  it('rejects a tampered Werkzeug hash (one hex digit changed)', async () => {
    const tampered = WERKZEUG.pbkdf2.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    await expect(verifyPassword(tampered, PASSWORD)).resolves.toMatchObject({ ok: false, resetNeeded: false });
  });

  it('a rehashed legacy password verifies as argon2id afterwards', async () => {
    const check = await verifyPassword(WERKZEUG.scrypt, PASSWORD);
    expect(check).toEqual({ ok: true, rehash: true });
    const rehashed = await hashPassword(PASSWORD);
    await expect(verifyPassword(rehashed, PASSWORD)).resolves.toEqual({ ok: true, rehash: false });
  });

  it('asks for a rehash of an argon2id hash made with other parameters', async () => {
    const { hash } = await import('@node-rs/argon2');
    const weaker = await hash(PASSWORD, { memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await expect(verifyPassword(weaker, PASSWORD)).resolves.toEqual({ ok: true, rehash: true });
  });

  it.each([
    ['no hash at all', null],
    ['an empty string', ''],
    ['bcrypt', '$2b$12$KIXQJ8u7JQp5Q1u7d3q7OeQ1YwqkF1xGxk4m5Yw0yq1v0m0l5m9bG'],
    ['md5 hex', '5f4dcc3b5aa765d61d8327deb882cf99'],
    ['plain text', 'hunter2'],
    ['pbkdf2 with an unknown digest', 'pbkdf2:md5:1000$abc$00112233445566778899aabbccddeeff'],
    ['pbkdf2 without iterations', 'pbkdf2:sha256$abc$' + '00'.repeat(32)],
    ['pbkdf2 with the wrong length', 'pbkdf2:sha256:1000$abc$' + '00'.repeat(31)],
    ['pbkdf2 with absurd iterations', 'pbkdf2:sha256:999999999$abc$' + '00'.repeat(32)],
    ['scrypt with n not a power of two', 'scrypt:1000:8:1$abc$' + '00'.repeat(64)],
    ['scrypt needing gigabytes', 'scrypt:1048576:64:1$abc$' + '00'.repeat(64)],
    ['sha256 crypt', '$5$rounds=5000$salt$abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'],
    ['argon2i', '$argon2i$v=19$m=4096,t=3,p=1$c29tZXNhbHQ$iWh06vD8Fy27wf9npn6FXWiCX4K6pW6Ue1Bnzz07Z8A'],
  ])('an unknown format (%s) means a reset is needed, never a login', async (_, stored) => {
    expect(passwordFormat(stored)).toBeNull();
    await expect(verifyPassword(stored, PASSWORD)).resolves.toEqual({ ok: false, rehash: false, resetNeeded: true });
    await expect(verifyPassword(stored, stored ?? '')).resolves.toEqual({
      ok: false,
      rehash: false,
      resetNeeded: true,
    });
  });
});
