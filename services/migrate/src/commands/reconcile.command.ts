import { findLedgerMismatches } from '@ttfd/shared';
import type { ConnectedCommand } from './command';

/** The ledger check: every account's XP equals the sum of its xp_change deltas. */
export const reconcileCommand: ConnectedCommand = {
  name: 'reconcile',
  usage: 'reconcile [--json]',
  summary: 'verify xp == sum of xp_change deltas for every account; exits 1 on any mismatch',
  async run({ args, pool, out }) {
    const { checked, mismatches } = await findLedgerMismatches(pool);
    if (args.includes('--json')) {
      out(JSON.stringify({ checked, mismatches }));
    } else {
      for (const m of mismatches)
        out(`MISMATCH user ${m.userId}: xp ${m.xp}, ledger ${m.ledgerXp} (off by ${m.xp - m.ledgerXp})`);
      out(
        `Checked ${checked} account(s): ${mismatches.length === 0 ? 'ledger exact' : `${mismatches.length} mismatch(es)`}.`,
      );
    }
    return mismatches.length === 0 ? 0 : 1;
  },
};
