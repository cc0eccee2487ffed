import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn, Unique } from 'typeorm';
import { OneTimeSecret } from './one-time-secret';
import { UnifiedUser } from './unified-user.entity';

/**
 * A Telegram Login Widget flow a website session started: it accepts one payload, once,
 * while fresh. The nonce and the payload are stored as SHA-256 only.
 *
 * Read-only outside @ttfd/shared: identity's linking starts and completes it.
 */
@Entity({ name: 'telegram_login_flows' })
@Check('telegram_login_flows_nonce_hash_check', 'octet_length(nonce_hash) = 32')
@Check('telegram_login_flows_payload_hash_check', 'octet_length(payload_hash) = 32')
@Check('telegram_login_flows_check', '(used_at IS NULL) = (payload_hash IS NULL)')
@Unique('telegram_login_flows_payload_hash_key', ['payloadHash'])
@Index('telegram_login_flows_expires_idx', ['expiresAt'])
export class TelegramLoginFlow extends OneTimeSecret {
  @PrimaryColumn({ name: 'nonce_hash', type: 'bytea', primaryKeyConstraintName: 'telegram_login_flows_pkey' })
  nonceHash!: Buffer;

  /** The account of the session that opened the widget. */
  @Column({ name: 'user_id', type: 'bigint' })
  @ForeignKey(() => UnifiedUser, { name: 'telegram_login_flows_user_id_fkey' })
  userId!: string;

  /** The payload accepted, so the same payload is refused however it comes back. */
  @Column({ name: 'payload_hash', type: 'bytea', nullable: true })
  payloadHash!: Buffer | null;
}
