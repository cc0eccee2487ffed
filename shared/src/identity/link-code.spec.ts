import { createHash } from 'node:crypto';
import {
  deepLinkPayload,
  generateLinkCode,
  hashLinkCode,
  LINK_CODE_ALPHABET,
  LINK_CODE_LENGTH,
  normaliseLinkCode,
} from './link-code';

describe('link codes', () => {
  it('carry at least 40 bits in 10 unambiguous symbols', () => {
    expect(new Set(LINK_CODE_ALPHABET).size).toBe(32);
    expect(LINK_CODE_ALPHABET).not.toMatch(/[ILOU]/);
    expect(LINK_CODE_LENGTH * Math.log2(LINK_CODE_ALPHABET.length)).toBeGreaterThanOrEqual(40);
  });

  it('are drawn from the whole alphabet without repeats', () => {
    const codes = Array.from({ length: 5000 }, generateLinkCode);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(new Set(codes).size).toBe(codes.length);
    const seen = new Set(codes.join(''));
    expect([...seen].sort().join('')).toBe([...LINK_CODE_ALPHABET].sort().join(''));
  });

  it('work as a Telegram deep-link payload', () => {
    const code = generateLinkCode();
    const payload = deepLinkPayload(code);
    expect(payload).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(payload).toBe(`link_${code}`);
    expect(normaliseLinkCode(payload)).toBe(code);
  });

  it('forgive case, spaces, hyphens and look-alike letters', () => {
    expect(normaliseLinkCode('abcde-fghjk')).toBe('ABCDEFGHJK');
    expect(normaliseLinkCode('  AbCdE FgHjK \n')).toBe('ABCDEFGHJK');
    expect(normaliseLinkCode('o1l1i-00000')).toBe('0111100000');
    expect(normaliseLinkCode('LINK_abcdefghjk')).toBe('ABCDEFGHJK');
  });

  it('reject what cannot be a code', () => {
    for (const bad of [
      '',
      'ABCDEFGHJ',
      'ABCDEFGHJKM',
      'ABCDEFGHJU',
      'ABCDE_FGHJK',
      'ABCDEFGHJ!',
      'link_',
      'ÀBCDEFGHJK',
    ]) {
      expect(normaliseLinkCode(bad)).toBeNull();
    }
  });

  it('are stored as the SHA-256 of the normalised form, whatever was typed', () => {
    const expected = createHash('sha256').update('ABCDEFGHJK').digest('hex');
    expect(hashLinkCode(normaliseLinkCode('abcde-fghjk')!).toString('hex')).toBe(expected);
    expect(hashLinkCode(normaliseLinkCode('link_ABCDEFGHJK')!).toString('hex')).toBe(expected);
  });
});
