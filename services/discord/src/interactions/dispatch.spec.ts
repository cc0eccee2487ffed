import { DISCORD_COMMANDS, OPTION_TYPES } from '@ttfd/shared';
import { commands } from './dispatch';

describe('the command handlers', () => {
  it('answer exactly the registered definitions', () => {
    expect(commands.map((c) => c.name)).toEqual(DISCORD_COMMANDS.map((d) => d.name));
  });

  it('read the options the definitions declare', () => {
    const options = Object.fromEntries(
      DISCORD_COMMANDS.map((d) => [d.name, (d.options ?? []).map((o) => [o.name, o.type])]),
    );
    expect(options).toEqual({
      profile: [['member', OPTION_TYPES.User]],
      top: [
        ['season', OPTION_TYPES.Boolean],
        ['page', OPTION_TYPES.Integer],
      ],
      daily: [],
      link: [['code', OPTION_TYPES.String]],
      notify: [
        ['on', OPTION_TYPES.SubCommand],
        ['off', OPTION_TYPES.SubCommand],
      ],
    });
  });
});
