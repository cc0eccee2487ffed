/**
 * Sign-in attempts limited per account and per client address, counted in PostgreSQL so
 * every replica agrees. An attempt is counted before the password is checked (concurrent
 * guesses cannot slip past the limit); a successful sign-in clears the account's count.
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';

export const THROTTLE_WINDOW_MS = 15 * 60_000;
export const MAX_ATTEMPTS_PER_ACCOUNT = 5;
export const MAX_ATTEMPTS_PER_ADDRESS = 30;

const keyHash = (text: string) => createHash('sha256').update(text).digest();

const COUNT_ATTEMPT_SQL = `
INSERT INTO website_login_throttles AS t (scope, key_hash, attempts, window_started_at)
VALUES ('account', $1, 1, $3), ('address', $2, 1, $3)
ON CONFLICT (scope, key_hash) DO UPDATE SET
  attempts = CASE WHEN t.window_started_at <= $3::timestamptz - $4 * interval '1 millisecond' THEN 1 ELSE t.attempts + 1 END,
  window_started_at = CASE WHEN t.window_started_at <= $3::timestamptz - $4 * interval '1 millisecond'
                           THEN $3::timestamptz ELSE t.window_started_at END
RETURNING scope, attempts, window_started_at`;

const CLEAR_ACCOUNT_SQL = `DELETE FROM website_login_throttles WHERE scope = 'account' AND key_hash = $1`;

const PRUNE_SQL = `DELETE FROM website_login_throttles WHERE window_started_at <= $1::timestamptz - $2 * interval '1 millisecond'`;

export type AttemptVerdict = { allowed: true } | { allowed: false; retryAt: Date };

export interface LoginThrottle {
  /** Counts an attempt for this email and address; refused once either is over its limit in the window. */
  attempt(email: string, address: string, now: Date): Promise<AttemptVerdict>;
  /** The account signed in: its count starts again. */
  succeeded(email: string): Promise<void>;
  /** Drops windows that are over (called now and then). */
  prune(now: Date): Promise<void>;
}

export function createLoginThrottle(pool: Pool): LoginThrottle {
  return {
    async attempt(email, address, now) {
      const { rows } = await pool.query<{ scope: string; attempts: number; window_started_at: Date }>({
        name: 'website-login-attempt',
        text: COUNT_ATTEMPT_SQL,
        values: [keyHash(email.toLowerCase()), keyHash(address), now, THROTTLE_WINDOW_MS],
      });
      const over = rows.filter(
        (r) => r.attempts > (r.scope === 'account' ? MAX_ATTEMPTS_PER_ACCOUNT : MAX_ATTEMPTS_PER_ADDRESS),
      );
      if (over.length === 0) return { allowed: true };
      const retryAt = Math.max(...over.map((r) => r.window_started_at.getTime() + THROTTLE_WINDOW_MS));
      return { allowed: false, retryAt: new Date(retryAt) };
    },
    async succeeded(email) {
      await pool.query(CLEAR_ACCOUNT_SQL, [keyHash(email.toLowerCase())]);
    },
    async prune(now) {
      await pool.query(PRUNE_SQL, [now, THROTTLE_WINDOW_MS]);
    },
  };
}
