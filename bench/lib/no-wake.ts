import type { Wake } from '@ttfd/shared';

/** A wake-up that tells nobody: for the peers' runs and the benches that run no worker. */
export const NO_WAKE: Wake = { signal() {}, flush: async () => {}, close: async () => {} };
