import { DISCORD_COMMANDS, OPTION_TYPES, type LocalizedText } from './commands';
import { ROLE_CONNECTION_METADATA } from './role-connection-metadata';

/** Discord's rule for command and option names (lower case where the script has case). */
const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;

function texts(item: LocalizedText): { name: string; description: string }[] {
  const locales = Object.keys(item.name_localizations);
  return [
    item,
    ...locales.map((l) => ({ name: item.name_localizations[l]!, description: item.description_localizations[l]! })),
  ];
}

describe('the slash command definitions', () => {
  it('are the five commands, each named and described in Russian and English', () => {
    expect(DISCORD_COMMANDS.map((c) => [c.name, c.name_localizations.ru])).toEqual([
      ['profile', 'профиль'],
      ['top', 'топ'],
      ['daily', 'награда'],
      ['link', 'привязать'],
      ['notify', 'уведомления'],
    ]);
    for (const command of DISCORD_COMMANDS) {
      expect(Object.keys(command.name_localizations).sort()).toEqual(['en-GB', 'en-US', 'ru']);
      expect(Object.keys(command.description_localizations).sort()).toEqual(['en-GB', 'en-US', 'ru']);
    }
  });

  it('follow Discord’s limits on names, descriptions and options', () => {
    for (const command of DISCORD_COMMANDS) {
      for (const item of [command, ...(command.options ?? [])]) {
        for (const t of texts(item)) {
          expect(t.name).toMatch(NAME);
          expect(t.name).toBe(t.name.toLowerCase());
          expect(t.description.length).toBeGreaterThan(0);
          expect(t.description.length).toBeLessThanOrEqual(100);
        }
      }
      expect((command.options ?? []).length).toBeLessThanOrEqual(25);
    }
    const notify = DISCORD_COMMANDS.find((c) => c.name === 'notify')!;
    expect(notify.options!.map((o) => [o.type, o.name])).toEqual([
      [OPTION_TYPES.SubCommand, 'on'],
      [OPTION_TYPES.SubCommand, 'off'],
    ]);
  });
});

describe('the Linked Roles metadata', () => {
  it('is level, games won and daily streak, each an integer "at least", named in both languages', () => {
    expect(ROLE_CONNECTION_METADATA.map((f) => [f.key, f.type])).toEqual([
      ['level', 2],
      ['games_won', 2],
      ['daily_streak', 2],
    ]);
    for (const field of ROLE_CONNECTION_METADATA) {
      expect(field.key).toMatch(/^[a-z0-9_]{1,50}$/);
      for (const t of texts(field)) {
        expect(t.name.length).toBeLessThanOrEqual(100);
        expect(t.description.length).toBeLessThanOrEqual(200);
      }
      expect(field.name_localizations.ru).not.toBe(field.name);
    }
  });
});
