import { DISCORD_COMMANDS, OPTION_TYPES, type CommandOption } from '@ttfd/shared';
import type { FakeDiscord } from './fake-discord';
import type { FakeAppMessage, FakeInteraction, CommandOptionInput } from './fake-discord-interactions';
import { MESSAGE_FLAGS } from './fake-discord-interactions';
import type { FakeGuild, FakeMember } from './fake-discord-gateway';

/**
 * The playground's slash commands and buttons: a test player runs one of the bot's commands
 * (`DISCORD_COMMANDS`, checked the way Discord's client checks them before sending) or
 * presses a button on a message the bot answered with, through the stand-in's
 * INTERACTION_CREATE; the bot's answers (replies, edits, follow-ups) become transcript
 * entries.
 */

/** What the transcript shows of the bot's interaction messages. */
export interface DiscordReplyEntry {
  platform: 'discord';
  kind: 'discord_reply';
  /** The player who ran the command or pressed the button that this message answers. */
  player: string | null;
  interaction_id: string;
  message_id: string;
  channel: string;
  /** Only the player sees it. */
  ephemeral: boolean;
  content: string;
  embeds: { title?: string; description?: string }[];
  buttons: { custom_id: string; label: string; disabled: boolean }[];
  /** An edit of a message shown before (a deferred reply filled in, or a button's update). */
  edited: boolean;
}

export type SlashCommandEntry =
  | {
      platform: 'discord';
      kind: 'discord_command';
      player: string;
      channel: string;
      /** As the player typed it, e.g. `/link code:ABCD234567`. */
      command: string;
      interaction_id: string;
    }
  | {
      platform: 'discord';
      kind: 'discord_press';
      player: string;
      message_id: string;
      custom_id: string;
      label: string;
      interaction_id: string;
    }
  | DiscordReplyEntry;

/** What this module needs of a test player (a `PlaygroundPlayer`). */
interface PlaygroundPlayer {
  name: string;
  telegram: { language_code: string };
  discord: { id: string };
}

export interface SlashCommandDeps {
  discord: FakeDiscord;
  guild: FakeGuild;
  playerNamed(value: unknown): PlaygroundPlayer;
  /** The text channel named (or with this id), or the first one when absent. */
  textChannel(value: unknown): { id: string; name: string };
  channelName(id: string): string;
  byDiscord(userId: string): PlaygroundPlayer | undefined;
  add(entry: SlashCommandEntry): void;
  /** Throws the control API's refusal (status and message). */
  refuse(status: number, message: string): never;
}

type OptionValue = string | number | boolean;

/** Discord's client locale for a test player's language. */
const clientLocale = (p: PlaygroundPlayer) => (p.telegram.language_code === 'ru' ? 'ru' : 'en-US');

export function playgroundSlashCommands(deps: SlashCommandDeps) {
  const { discord, guild } = deps;
  function refuse(status: number, message: string): never {
    return deps.refuse(status, message);
  }
  /** Message versions (`id:edits`) already in the transcript. */
  const shown = new Set<string>();
  const shownIds = new Set<string>();

  function memberOf(p: PlaygroundPlayer): FakeMember {
    const member = guild.members.find((m) => m.user.id === p.discord.id);
    if (!member) refuse(409, `${p.name} is not a member of the guild`);
    return member;
  }

  /** The options of `definition` from `{name: value}`, typed as Discord sends them. */
  function commandOptions(
    command: string,
    definitions: readonly CommandOption[],
    given: Record<string, unknown>,
  ): { options: CommandOptionInput[]; resolved: FakeMember[] } {
    const options: CommandOptionInput[] = [];
    const resolved: FakeMember[] = [];
    for (const name of Object.keys(given)) {
      if (!definitions.some((d) => d.name === name && d.type !== OPTION_TYPES.SubCommand)) {
        const known = definitions.filter((d) => d.type !== OPTION_TYPES.SubCommand).map((d) => d.name);
        refuse(400, `/${command} has no option "${name}"; options: ${known.join(', ') || 'none'}`);
      }
    }
    for (const d of definitions) {
      if (d.type === OPTION_TYPES.SubCommand) continue;
      const value = given[d.name];
      if (value === undefined || value === null) {
        if (d.required) refuse(400, `/${command} needs the option "${d.name}"`);
        continue;
      }
      const bad = (what: string) => refuse(400, `option "${d.name}" of /${command} must be ${what}`);
      let typed: OptionValue = value as OptionValue;
      switch (d.type) {
        case OPTION_TYPES.String:
          if (typeof value !== 'string' || value === '') bad('a non-empty string');
          if (d.max_length !== undefined && (value as string).length > d.max_length)
            bad(`at most ${d.max_length} characters`);
          break;
        case OPTION_TYPES.Integer:
          if (typeof value !== 'number' || !Number.isInteger(value)) bad('a whole number');
          if ((value as number) < (d.min_value ?? -Infinity) || (value as number) > (d.max_value ?? Infinity))
            bad(`${d.min_value ?? '-∞'}–${d.max_value ?? '∞'}`);
          break;
        case OPTION_TYPES.Boolean:
          if (typeof value !== 'boolean') bad('true or false');
          break;
        case OPTION_TYPES.User: {
          const other = deps.playerNamed(value);
          resolved.push(memberOf(other));
          typed = other.discord.id;
          break;
        }
      }
      options.push({ name: d.name, type: d.type, value: typed });
    }
    return { options, resolved };
  }

  /** `POST /playground/discord/command {player, name, options?, channel?, locale?}` → {interaction_id}. */
  function runCommand(body: any): { interaction_id: string } {
    const p = deps.playerNamed(body?.player);
    if (typeof body?.name !== 'string') refuse(400, 'name must be a command name, e.g. "link" or "notify on"');
    const [name, sub, ...extra] = String(body.name).trim().replace(/^\//, '').split(/\s+/);
    const definition = DISCORD_COMMANDS.find((c) => c.name === name);
    if (!definition || extra.length > 0) {
      refuse(404, `no command "/${String(body.name)}"; commands: ${DISCORD_COMMANDS.map((c) => c.name).join(', ')}`);
    }
    const given = body?.options ?? {};
    if (typeof given !== 'object' || Array.isArray(given)) refuse(400, 'options must be an object {name: value}');
    const subCommands = (definition.options ?? []).filter((o) => o.type === OPTION_TYPES.SubCommand);
    let options: CommandOptionInput[];
    let resolved: FakeMember[] = [];
    if (subCommands.length > 0) {
      if (!subCommands.some((s) => s.name === sub)) {
        refuse(400, `/${name} needs one of: ${subCommands.map((s) => `/${name} ${s.name}`).join(', ')}`);
      }
      if (Object.keys(given).length > 0) refuse(400, `/${name} ${sub} has no options`);
      options = [{ name: sub!, type: OPTION_TYPES.SubCommand, options: [] }];
    } else {
      if (sub !== undefined) refuse(404, `/${name} has no sub-command "${sub}"`);
      ({ options, resolved } = commandOptions(name!, definition.options ?? [], given as Record<string, unknown>));
    }
    const channel = deps.textChannel(body?.channel);
    const locale = typeof body?.locale === 'string' ? body.locale : clientLocale(p);
    const interaction = discord.interactions.runCommand({
      guildId: guild.id,
      channelId: channel.id,
      member: memberOf(p),
      name: name!,
      options,
      locale,
      resolvedMembers: resolved,
    });
    const typed = [
      sub,
      ...options
        .filter((o) => o.type !== OPTION_TYPES.SubCommand)
        .map((o) => {
          const named = o.type === OPTION_TYPES.User ? `@${deps.byDiscord(String(o.value))?.name}` : String(o.value);
          return `${o.name}:${named}`;
        }),
    ].filter(Boolean);
    deps.add({
      platform: 'discord',
      kind: 'discord_command',
      player: p.name,
      channel: channel.name,
      command: [`/${name}`, ...typed].join(' '),
      interaction_id: interaction.id,
    });
    return { interaction_id: interaction.id };
  }

  /** Every message the bot sent through an interaction, with the interaction whose answer made it. */
  function appMessages(): { message: FakeAppMessage; by: FakeInteraction }[] {
    const out: { message: FakeAppMessage; by: FakeInteraction }[] = [];
    for (const i of discord.interactions.all) {
      // A button's update answers with the pressed message: it belongs to the command that made it.
      if (i.original && !(i.type === 3 && i.original === i.message)) out.push({ message: i.original, by: i });
      for (const f of i.followups) out.push({ message: f, by: i });
    }
    return out;
  }

  /**
   * `POST /playground/discord/press {player, message_id | interaction_id, custom_id}` →
   * {interaction_id}: the button must be on the message now and enabled, and an ephemeral
   * message is only the player's own.
   */
  function pressButton(body: any): { interaction_id: string } {
    const p = deps.playerNamed(body?.player);
    if (typeof body?.custom_id !== 'string' || body.custom_id === '') refuse(400, 'custom_id must be a button id');
    const all = appMessages();
    const found =
      body?.message_id !== undefined
        ? all.find((m) => m.message.id === String(body.message_id))
        : all.find((m) => m.by.id === String(body?.interaction_id) && m.message === m.by.original);
    const which = body?.message_id !== undefined ? `message ${body.message_id}` : `interaction ${body?.interaction_id}`;
    if (!found) refuse(404, `no bot message for ${which}`);
    if ((found.message.flags & MESSAGE_FLAGS.Ephemeral) !== 0 && found.by.user.id !== p.discord.id) {
      refuse(404, `no bot message for ${which} that ${p.name} can see (it is another player's private reply)`);
    }
    const button = discord.interactions.buttonsOf(found.message).find((b) => b.customId === body.custom_id);
    if (!button) refuse(409, `the message has no button "${body.custom_id}" (any more)`);
    if (button.disabled) refuse(409, `the button "${button.label}" is disabled`);
    const interaction = discord.interactions.pressButton({
      message: found.message,
      customId: button.customId,
      member: memberOf(p),
      guildId: guild.id,
      locale: clientLocale(p),
    });
    deps.add({
      platform: 'discord',
      kind: 'discord_press',
      player: p.name,
      message_id: found.message.id,
      custom_id: button.customId,
      label: button.label,
      interaction_id: interaction.id,
    });
    return { interaction_id: interaction.id };
  }

  /** Adds each new state of the bot's interaction messages (a reply, an edit, a follow-up) to the transcript. */
  function collect() {
    for (const i of discord.interactions.all) {
      for (const m of [i.original, ...i.followups]) {
        if (!m || (m.flags & MESSAGE_FLAGS.Loading) !== 0) continue;
        const version = `${m.id}:${m.edits}`;
        if (shown.has(version)) continue;
        shown.add(version);
        deps.add({
          platform: 'discord',
          kind: 'discord_reply',
          player: deps.byDiscord(i.user.id)?.name ?? null,
          interaction_id: i.id,
          message_id: m.id,
          channel: deps.channelName(m.channel_id),
          ephemeral: (m.flags & MESSAGE_FLAGS.Ephemeral) !== 0,
          content: m.content,
          embeds: m.embeds.map((e: { title?: string; description?: string }) => ({
            ...(e.title !== undefined ? { title: e.title } : {}),
            ...(e.description !== undefined ? { description: e.description } : {}),
          })),
          buttons: discord.interactions
            .buttonsOf(m)
            .map((b) => ({ custom_id: b.customId, label: b.label, disabled: b.disabled })),
          edited: shownIds.has(m.id),
        });
        shownIds.add(m.id);
      }
    }
  }

  return { runCommand, pressButton, collect };
}
