import { closeSeason, createWake } from '@ttfd/shared';
import type { ConnectedCommand } from './command';

/** Season administration: `season close [--next <name>]`. */
export const seasonCommand: ConnectedCommand = {
  name: 'season',
  usage: 'season close [--next <name>]',
  summary: 'archive the open season (positions, season_closed events), reset season XP, open the next',
  async run({ args, pool, out }) {
    const [action, ...rest] = args;
    if (action !== 'close') {
      out('Usage: ttfd season close [--next <name>]');
      return 2;
    }
    const at = rest.indexOf('--next');
    const next = at >= 0 ? rest[at + 1] : undefined;
    if (at >= 0 && !next) {
      out('--next needs a season name');
      return 2;
    }
    const wake = createWake(pool);
    const result = await closeSeason(pool, wake, next).finally(() => wake.close());
    out(
      `Closed "${result.closedSeason.name}" with ${result.ranked} ranked player(s); "${result.openedSeason.name}" is open.`,
    );
    return 0;
  },
};
