import {
  type ConfirmResult,
  createLinking,
  type LinkResult,
  createProgression,
  createWake,
  type Linking,
  type Platform,
  type PlatformIdentity,
  type Progression,
} from '@ttfd/shared';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';

export interface World {
  db: TestDatabase;
  linking: Linking;
  progression: Progression;
  clock: { now: Date };
  /** Advances the shared clock. */
  later(ms: number): void;
  row(userId: string): Promise<Record<string, any>>;
  events(
    userId: string,
    type?: string,
  ): Promise<{ id: string; event_type: string; source_platform: string; data: any }[]>;
  /** The live account an identity is on, or null. */
  accountOf(identity: PlatformIdentity): Promise<string | null>;
  /** Redeems a code and, when asked, confirms as the redeemer: what a player who taps yes gets. */
  redeem(identity: PlatformIdentity, code: string): Promise<LinkResult | ConfirmResult>;
  /** Confirms a link that asked, pressed by `by`; any other result is returned as it is. */
  confirmed(
    result: Promise<LinkResult>,
    by: PlatformIdentity | { userId: string },
  ): Promise<LinkResult | ConfirmResult>;
}

/** A fresh database and the linking and progression APIs on one controllable clock. */
export async function createWorld(poolSize = 16): Promise<World> {
  const db = await createTestDatabase({ poolSize });
  const clock = { now: new Date('2026-03-10T12:00:00Z') };
  const wake = createWake(db.pool);
  const now = () => clock.now;
  return {
    db,
    clock,
    linking: createLinking({ pool: db.pool, wake, now }),
    progression: createProgression({ pool: db.pool, wake, now }),
    later(ms) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
    async row(userId) {
      const { rows } = await db.pool.query('SELECT * FROM unified_users WHERE id = $1', [userId]);
      return rows[0];
    },
    async events(userId, type) {
      const { rows } = await db.pool.query(
        `SELECT id, event_type, source_platform, data FROM cross_platform_events
         WHERE user_id = $1 AND ($2::text IS NULL OR event_type = $2) ORDER BY seq`,
        [userId, type ?? null],
      );
      return rows;
    },
    async redeem(identity, code) {
      return this.confirmed(this.linking.redeemLinkCode(identity, code), identity);
    },
    async confirmed(result, by) {
      const asked = await result;
      if (asked.status !== 'needs_confirmation') return asked;
      return this.linking.confirmMerge({ confirmToken: asked.confirmToken, by });
    },
    async accountOf(identity) {
      const column = { telegram: 'telegram_id', discord: 'discord_id', website: 'website_email' }[identity.platform];
      const { rows } = await db.pool.query(
        `SELECT id FROM unified_users WHERE lower(${column}::text) = lower($1::text)`,
        [String(identity.id)],
      );
      return rows[0]?.id ?? null;
    },
  };
}

let next = 0;

/** An identity nobody has used yet. */
export function newIdentity(platform: Platform): PlatformIdentity {
  next += 1;
  if (platform === 'telegram') return { platform, id: 7_000_000 + next };
  if (platform === 'discord') return { platform, id: String(810_000_000_000_000_000n + BigInt(next)) };
  return { platform, id: `Player${next}@Example.org` };
}
