import { ConfigError } from '@ttfd/shared';
import { parseDiscordConfig } from './config';

const base = { DATABASE_URL: 'postgres://localhost/ttfd', DISCORD_TOKEN: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.abc.def_ghi' };

describe('Discord configuration', () => {
  it('has the documented defaults', () => {
    expect(parseDiscordConfig(base)).toMatchObject({
      PORT: 8082,
      DISCORD_API_ROOT: 'https://discord.com/api',
      DISCORD_MESSAGE_CONTENT: false,
      DISCORD_MESSAGE_XP_MIN: 15,
      DISCORD_MESSAGE_XP_MAX: 25,
      DISCORD_MESSAGE_XP_COOLDOWN_SECONDS: 60,
      DISCORD_MESSAGE_MIN_LENGTH: 3,
      DISCORD_NO_XP_CHANNEL_IDS: [],
      DISCORD_NO_XP_ROLE_IDS: [],
      DISCORD_VOICE_XP_PER_MINUTE: 10,
      DISCORD_FLUSH_MS: 250,
      DISCORD_VOICE_CHECKPOINT_SECONDS: 30,
    });
  });

  it('reads id lists and flags', () => {
    const config = parseDiscordConfig({
      ...base,
      DISCORD_NO_XP_CHANNEL_IDS: ' 111, 222 ,',
      DISCORD_NO_XP_ROLE_IDS: '333',
      DISCORD_MESSAGE_CONTENT: '1',
    });
    expect(config.DISCORD_NO_XP_CHANNEL_IDS).toEqual(['111', '222']);
    expect(config.DISCORD_NO_XP_ROLE_IDS).toEqual(['333']);
    expect(config.DISCORD_MESSAGE_CONTENT).toBe(true);
  });

  it('names every bad variable', () => {
    let error: ConfigError | undefined;
    try {
      parseDiscordConfig({ DATABASE_URL: base.DATABASE_URL, DISCORD_GUILD_ID: 'guild', DISCORD_FLUSH_MS: '5' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.map((p) => p.split(':')[0])).toEqual([
      'DISCORD_TOKEN',
      'DISCORD_GUILD_ID',
      'DISCORD_FLUSH_MS',
    ]);
  });
});
