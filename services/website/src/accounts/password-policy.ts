/**
 * What a new password must be: long enough, not absurdly long (hashing cost), not the
 * email, and not one of the passwords attackers try first.
 */
import { COMMON_PASSWORDS } from './common-passwords';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

export type PasswordProblem = 'too_short' | 'too_long' | 'common' | 'same_as_email';

export function passwordProblem(password: string, email: string): PasswordProblem | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return 'too_short';
  if (length > MAX_PASSWORD_LENGTH) return 'too_long';
  const lower = password.toLowerCase();
  if (lower === email.toLowerCase() || lower === email.toLowerCase().split('@')[0]) return 'same_as_email';
  if (COMMON_PASSWORDS.has(lower) || isTrivial(lower)) return 'common';
  return null;
}

/** One character repeated, or a run of consecutive characters (`1234567890`, `abcdefghij`). */
function isTrivial(password: string): boolean {
  const codes = [...password].map((c) => c.codePointAt(0)!);
  if (codes.every((c) => c === codes[0])) return true;
  const step = codes[1]! - codes[0]!;
  return Math.abs(step) === 1 && codes.every((c, i) => i === 0 || c - codes[i - 1]! === step);
}
