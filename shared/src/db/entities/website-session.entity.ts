import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A website session: the session store (connect-pg-simple) reads and writes it by `sid`
 * and prunes rows past `expire`. `sess` holds the signed-in account id, the CSRF token,
 * the chosen language and the open OAuth or Telegram Login flow.
 *
 * Read-only outside the website's session store.
 */
@Entity({ name: 'website_sessions' })
@Index('website_sessions_expire_idx', ['expire'])
export class WebsiteSession {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'website_sessions_pkey' })
  sid!: string;

  @Column({ type: 'jsonb' })
  sess!: Record<string, unknown>;

  @Column({ type: 'timestamptz' })
  expire!: Date;
}

/**
 * Website sign-in attempts in the current window, per account (the SHA-256 of the lower-cased
 * email) and per client address (the SHA-256 of the address), shared by every replica.
 *
 * Read-only outside the website's sign-in throttle.
 */
@Entity({ name: 'website_login_throttles' })
@Check('website_login_throttles_scope_check', `scope IN ('account', 'address')`)
@Check('website_login_throttles_key_hash_check', 'octet_length(key_hash) = 32')
@Check('website_login_throttles_attempts_check', 'attempts >= 0')
@Index('website_login_throttles_window_idx', ['windowStartedAt'])
export class WebsiteLoginThrottle {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'website_login_throttles_pkey' })
  scope!: 'account' | 'address';

  @PrimaryColumn({ name: 'key_hash', type: 'bytea', primaryKeyConstraintName: 'website_login_throttles_pkey' })
  keyHash!: Buffer;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'window_started_at', type: 'timestamptz' })
  windowStartedAt!: Date;
}
