import type { Logger } from '@ttfd/shared';
import { createUnmanageableRoleMetrics, type UnmanageableRoleMetrics } from './metrics';

/**
 * Rank roles Discord will not let the bot give or take (50013 Missing Permissions: the
 * role is above the bot's highest role or managed by an integration; 10011: the role is
 * gone). Each is reported once, with the fix, and not tried again per event: only a rank
 * roles check tries it again, and a success there (or the rank no longer using the role)
 * clears it.
 */
export interface UnmanageableRoles {
  /** The roles not to try on an ordinary event. */
  readonly known: ReadonlySet<string>;
  report(roleId: string, reason: string): void;
  /** The bot changed the role: it can manage it (again). */
  managed(roleId: string): void;
  /** Forgets roles no rank uses any more (the configuration changed). */
  retain(rankRoleIds: readonly string[]): void;
}

export const UNMANAGEABLE_ROLE_FIX =
  "move the TTFD bot's role above the rank roles (Server Settings → Roles), make sure it has Manage Roles, " +
  "and do not use a role managed by an integration or Server Boost as a rank role; or point the rank's " +
  'discord_role_id at a role the bot can manage. Role changes for it are skipped until the next rank roles check succeeds';

export function createUnmanageableRoles(
  log: Logger,
  metrics: UnmanageableRoleMetrics = createUnmanageableRoleMetrics(),
): UnmanageableRoles {
  const known = new Map<string, string>();
  const { gauge, reports } = metrics;
  const roles = new Set<string>();
  const update = () => gauge.set(known.size);
  update();

  return {
    known: roles,
    report(roleId, reason) {
      if (known.has(roleId)) return;
      known.set(roleId, reason);
      roles.add(roleId);
      reports.inc();
      update();
      log.error(
        { role: roleId, reason },
        `Discord refuses the bot rank role ${roleId} (${reason}): ${UNMANAGEABLE_ROLE_FIX}`,
      );
    },
    managed(roleId) {
      if (!known.delete(roleId)) return;
      roles.delete(roleId);
      update();
      log.info({ role: roleId }, `rank role ${roleId} can be managed again; role sync resumes for it`);
    },
    retain(rankRoleIds) {
      for (const roleId of [...known.keys()]) {
        if (rankRoleIds.includes(roleId)) continue;
        known.delete(roleId);
        roles.delete(roleId);
        log.info({ role: roleId }, `role ${roleId} is no longer a rank role; its report is cleared`);
      }
      update();
    },
  };
}
