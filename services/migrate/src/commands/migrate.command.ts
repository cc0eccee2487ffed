import { applyMigrations, pendingMigrations } from '@ttfd/shared';
import type { ConnectedCommand } from './command';

/** Applies pending migrations under an advisory lock (the Helm pre-install/pre-upgrade Job). */
export const migrateCommand: ConnectedCommand = {
  name: 'migrate',
  usage: 'migrate [--check]',
  summary: 'apply pending schema migrations; --check exits 1 when any are pending',
  async run({ args, dataSource, out, log }) {
    if (args.includes('--check')) {
      const pending = await pendingMigrations(dataSource);
      if (pending.length === 0) {
        out('Schema is up to date.');
        return 0;
      }
      out(`${pending.length} pending migration(s):`);
      for (const name of pending) out(`  ${name}`);
      return 1;
    }
    const { applied } = await applyMigrations(dataSource, {
      onLockTimeout: (attempt, err) =>
        log.warn({ attempt, err }, 'a migration could not take its table lock in time (lock_timeout); retrying'),
    });
    if (applied.length === 0) out('No pending migrations; the schema is up to date.');
    else for (const name of applied) out(`Applied ${name}`);
    return 0;
  },
};
