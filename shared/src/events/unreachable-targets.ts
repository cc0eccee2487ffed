import type { DeliveryTarget } from '../db/entities/delivery-receipt.entity';
import type { Player } from '../platform';
import type { Queryable } from './queryable';

/** A target a player refuses: messages to the bot they blocked, DMs they closed, roles in a guild they left. */
export type PlayerTarget = Exclude<DeliveryTarget, 'website:live'>;

export interface UnreachableTarget {
  userId: string;
  target: PlayerTarget;
  /** The Telegram chat or Discord user that refused; another identity linked later is not affected. */
  identity: string;
  reason: string;
}

const MARK_UNREACHABLE = `
INSERT INTO unreachable_targets (user_id, target, identity, reason)
SELECT DISTINCT ON (user_id, target) * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[])
  AS t(user_id, target, identity, reason)
ON CONFLICT (user_id, target) DO UPDATE SET identity = excluded.identity, reason = excluded.reason, since = now()`;

/**
 * Turns targets off for their players: the worker sends nothing there until
 * `markReachable`. Runs in the batch that met the refusal.
 */
export async function markUnreachable(db: Queryable, targets: UnreachableTarget[]): Promise<void> {
  if (targets.length === 0) return;
  await db.query({
    name: 'ttfd-mark-unreachable',
    text: MARK_UNREACHABLE,
    values: [
      targets.map((t) => t.userId),
      targets.map((t) => t.target),
      targets.map((t) => t.identity),
      targets.map((t) => t.reason),
    ],
  });
}

const REACHABLE_BY_ACCOUNT = `DELETE FROM unreachable_targets WHERE user_id = $1::bigint AND target = $2`;
const REACHABLE_BY_IDENTITY = `DELETE FROM unreachable_targets WHERE identity = $1::text AND target = $2`;

/**
 * The player can be reached there again (they wrote to the bot, rejoined the guild):
 * the worker resumes sending to that target from the next event on. `player` is the
 * account or the platform identity that spoke up. Cheap when nothing was turned off.
 */
export async function markReachable(db: Queryable, player: Player, target: PlayerTarget): Promise<void> {
  if ('userId' in player)
    await db.query({ name: 'ttfd-reachable-account', text: REACHABLE_BY_ACCOUNT, values: [player.userId, target] });
  else
    await db.query({
      name: 'ttfd-reachable-identity',
      text: REACHABLE_BY_IDENTITY,
      values: [String(player.id), target],
    });
}
