import { z } from 'zod';
import { ConfigError, DISCORD_COMMANDS, parseConfig, ROLE_CONNECTION_METADATA } from '@ttfd/shared';
import type { CommandIo, OfflineCommand } from './command';

const USAGE = 'discord register-commands [--guild <id>]';
const snowflake = z.string().regex(/^\d{1,20}$/, 'must be a Discord id (digits)');

const configSchema = z.object({
  DISCORD_TOKEN: z.string().regex(/^[\w.-]{20,}$/, 'must be a bot token (Developer Portal → Bot → Reset Token)'),
  DISCORD_APPLICATION_ID: snowflake,
  DISCORD_API_ROOT: z.url({ protocol: /^https?$/ }).default('https://discord.com/api'),
});
type Config = z.infer<typeof configSchema>;

/** Longest a rate limit is waited out before the command gives up. */
const LONGEST_RATE_LIMIT_WAIT_S = 10;
const REQUEST_TIMEOUT_MS = 15_000;

class DiscordRefused extends Error {}

/** One `PUT` to Discord's REST API v10; a rate limit is waited out once. */
async function put(config: Config, path: string, body: unknown): Promise<unknown[]> {
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(`${config.DISCORD_API_ROOT.replace(/\/$/, '')}/v10${path}`, {
        method: 'PUT',
        headers: { authorization: `Bot ${config.DISCORD_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      throw new DiscordRefused(`Discord at ${config.DISCORD_API_ROOT} did not answer: ${(err as Error).message}`);
    }
    const text = await res.text();
    const json = text ? (JSON.parse(text) as any) : null;
    if (res.ok) return json as unknown[];
    const retryAfter = Number(json?.retry_after ?? res.headers.get('retry-after'));
    if (res.status === 429 && attempt === 0 && retryAfter <= LONGEST_RATE_LIMIT_WAIT_S) {
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(retryAfter * 1000)));
      continue;
    }
    const hint =
      res.status === 401
        ? ' (check DISCORD_TOKEN)'
        : res.status === 403 || res.status === 404
          ? ' (check DISCORD_APPLICATION_ID and that the bot belongs to that application)'
          : '';
    throw new DiscordRefused(
      `Discord refused PUT ${path}: HTTP ${res.status}, code ${json?.code ?? '-'}: ${json?.message ?? text}${hint}`,
    );
  }
}

async function registerCommands({ args, out, err, env }: CommandIo & { env: Record<string, string | undefined> }) {
  const at = args.indexOf('--guild');
  const guildId = at >= 0 ? args[at + 1] : undefined;
  const unknown = args.filter((a, i) => a !== '--guild' && !(at >= 0 && i === at + 1));
  if ((at >= 0 && !snowflake.safeParse(guildId).success) || unknown.length > 0) {
    err(`Usage: ttfd ${USAGE} (the guild is a Discord id)`);
    return 2;
  }
  let config: Config;
  try {
    config = parseConfig(configSchema, env);
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message);
      return 78;
    }
    throw e;
  }
  const app = config.DISCORD_APPLICATION_ID;
  try {
    const path = guildId ? `/applications/${app}/guilds/${guildId}/commands` : `/applications/${app}/commands`;
    const saved = await put(config, path, DISCORD_COMMANDS);
    const names = saved.map((c: any) => `/${c.name}`).join(', ');
    out(
      guildId
        ? `Registered ${saved.length} commands in guild ${guildId} (they work there at once): ${names}.`
        : `Registered ${saved.length} global commands: ${names}.`,
    );
    const fields = await put(config, `/applications/${app}/role-connections/metadata`, ROLE_CONNECTION_METADATA);
    out(`Registered ${fields.length} Linked Roles fields: ${fields.map((f: any) => f.key).join(', ')}.`);
    return 0;
  } catch (e) {
    if (e instanceof DiscordRefused) {
      err(e.message);
      return 1;
    }
    throw e;
  }
}

/**
 * `discord register-commands [--guild <id>]`: replaces the application's slash commands
 * (global, or one guild's, which take effect at once: for testing) with DISCORD_COMMANDS
 * and registers the Linked Roles metadata. Run it after a release that changes them; the
 * bot never registers anything when it starts. Exit 0 done, 1 Discord refused or did not
 * answer, 2 usage, 78 a missing or invalid variable.
 */
export const discordCommand: OfflineCommand = {
  name: 'discord',
  usage: USAGE,
  summary: 'register the slash commands (global, or one guild) and the Linked Roles metadata with Discord',
  needsNoDatabase: true,
  async run(ctx) {
    const [action, ...args] = ctx.args;
    if (action !== 'register-commands') {
      ctx.err(`Usage: ttfd ${USAGE}`);
      return 2;
    }
    return registerCommands({ ...ctx, args });
  },
};
