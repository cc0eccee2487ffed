/**
 * Email accounts: sign up, log in, change the password. Plain functions over the pool and
 * the progression module (which creates the account and its `user_registered` event);
 * the controller turns their results into pages and JSON.
 *
 * Errors never tell an attacker whether an email has an account at login: a wrong email
 * and a wrong password read the same, and cost the same time.
 */
import type { Pool } from 'pg';
import { hashPassword, verifyPassword, type Locale, type Progression } from '@ttfd/shared';
import { FIND_CREDENTIAL_SQL, FIND_LOGIN_SQL, INSERT_CREDENTIAL_SQL, REPLACE_HASH_SQL } from './accounts.sql';
import type { LoginThrottle } from './login-throttle';
import { passwordProblem, type PasswordProblem } from './password-policy';

export interface AccountsDeps {
  pool: Pool;
  progression: Progression;
  throttle: LoginThrottle;
  now: () => Date;
}

export type SignUpResult =
  | { status: 'created'; userId: string }
  | { status: 'weak_password'; problem: PasswordProblem }
  /** The email is on an account already: sign in to it (we do not attach a password to it). */
  | { status: 'email_taken' };

export type LogInResult =
  | { status: 'ok'; userId: string; rehashed: boolean }
  | { status: 'wrong_credentials' }
  | { status: 'too_many_attempts'; retryAfterMinutes: number };

export type ChangePasswordResult =
  | { status: 'changed' }
  | { status: 'wrong_password' }
  | { status: 'weak_password'; problem: PasswordProblem }
  /** The account has no email identity: there is no password to change. */
  | { status: 'no_password' };

/** Compared against when an email has no account, so both cases take an argon2 verification. */
let decoyHash: Promise<string> | null = null;

export async function signUp(
  deps: AccountsDeps,
  input: { email: string; password: string; displayName: string | null; locale: Locale },
): Promise<SignUpResult> {
  const problem = passwordProblem(input.password, input.email);
  if (problem) return { status: 'weak_password', problem };
  const hash = await hashPassword(input.password);
  const { userId, created } = await deps.progression.ensureUser(
    { platform: 'website', id: input.email },
    { displayName: input.displayName, locale: input.locale },
  );
  if (!created) return { status: 'email_taken' };
  await deps.pool.query(INSERT_CREDENTIAL_SQL, [userId, hash, deps.now()]);
  return { status: 'created', userId };
}

export async function logIn(
  deps: AccountsDeps,
  input: { email: string; password: string; address: string },
): Promise<LogInResult> {
  const now = deps.now();
  const verdict = await deps.throttle.attempt(input.email, input.address, now);
  if (!verdict.allowed) {
    return {
      status: 'too_many_attempts',
      retryAfterMinutes: Math.max(1, Math.ceil((verdict.retryAt.getTime() - now.getTime()) / 60_000)),
    };
  }
  const { rows } = await deps.pool.query<{ id: string; password_hash: string | null }>(FIND_LOGIN_SQL, [input.email]);
  const account = rows[0];
  if (!account) {
    decoyHash ??= hashPassword('a password no account has, for timing');
    await verifyPassword(await decoyHash, input.password);
    return { status: 'wrong_credentials' };
  }
  const check = await verifyPassword(account.password_hash, input.password);
  // An account without a usable hash (imported without one, or created on another platform) cannot log in with a password.
  if (!check.ok) return { status: 'wrong_credentials' };
  await deps.throttle.succeeded(input.email);
  if (check.rehash) {
    await deps.pool.query(REPLACE_HASH_SQL, [
      account.id,
      account.password_hash,
      await hashPassword(input.password),
      now,
    ]);
  }
  return { status: 'ok', userId: account.id, rehashed: check.rehash };
}

export async function changePassword(
  deps: AccountsDeps,
  input: { userId: string; currentPassword: string; newPassword: string },
): Promise<ChangePasswordResult> {
  const { rows } = await deps.pool.query<{ website_email: string | null; password_hash: string | null }>(
    FIND_CREDENTIAL_SQL,
    [input.userId],
  );
  const account = rows[0];
  if (!account?.website_email || account.password_hash === null) return { status: 'no_password' };
  const check = await verifyPassword(account.password_hash, input.currentPassword);
  if (!check.ok) return { status: 'wrong_password' };
  const problem = passwordProblem(input.newPassword, account.website_email);
  if (problem) return { status: 'weak_password', problem };
  const { rowCount } = await deps.pool.query(REPLACE_HASH_SQL, [
    input.userId,
    account.password_hash,
    await hashPassword(input.newPassword),
    deps.now(),
  ]);
  // Changed meanwhile by another request that also knew the password: that one stands.
  return rowCount === 1 ? { status: 'changed' } : { status: 'wrong_password' };
}

/** Whether the signed-in player's password is right (re-authentication before privacy actions). */
export async function passwordMatches(deps: AccountsDeps, userId: string, password: string): Promise<boolean> {
  const { rows } = await deps.pool.query<{ password_hash: string | null }>(FIND_CREDENTIAL_SQL, [userId]);
  return rows[0] ? (await verifyPassword(rows[0].password_hash, password)).ok : false;
}
