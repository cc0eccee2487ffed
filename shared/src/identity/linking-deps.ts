import type { Pool } from 'pg';
import type { Progression } from '../progression/progression';
import type { Wake } from '../progression/wake';

/** What every linking operation works with; `createLinking` builds it. */
export interface LinkingDeps {
  pool: Pool;
  wake: Wake;
  now: () => Date;
  progression: Progression;
}
