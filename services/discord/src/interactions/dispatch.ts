import {
  AttachmentBuilder,
  DiscordAPIError,
  GuildMember,
  MessageFlags,
  type BaseMessageOptions,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type Interaction,
  type User,
} from 'discord.js';
import { localeOf } from '@ttfd/shared';
import { mergeCancelButton, mergeConfirmButton } from '../buttons/merge.button';
import { dailyCommand } from '../commands/daily.command';
import { linkCommand } from '../commands/link.command';
import { notifyCommand } from '../commands/notify.command';
import { profileCommand } from '../commands/profile.command';
import { topCommand } from '../commands/top.command';
import type { DiscordMetrics, EventOutcome } from '../metrics';
import { TEXTS } from '../texts/locale';
import {
  notice,
  type Answer,
  type ButtonHandler,
  type Command,
  type CommandInput,
  type DiscordPlayer,
  type InteractionDeps,
} from './interaction';

/** Every slash command the bot answers (their definitions: DISCORD_COMMANDS in @ttfd/shared). */
export const commands: readonly Command[] = [profileCommand, topCommand, dailyCommand, linkCommand, notifyCommand];

/** Every button the bot answers, by the prefix of its custom id. */
export const buttons: readonly ButtonHandler[] = [mergeConfirmButton, mergeCancelButton];

/** Discord's answer to a callback after the 3 s or for an interaction answered elsewhere. */
const UNKNOWN_INTERACTION = 10062;
const UNKNOWN_WEBHOOK = 10015;

export interface DispatchDeps extends InteractionDeps {
  metrics: DiscordMetrics;
  /** An answer not ready by then is deferred first (Discord wants one within 3 s). */
  deferAfterMs: number;
}

function playerOf(user: User, member: unknown): DiscordPlayer {
  const nick = member instanceof GuildMember ? member.displayName : (member as { nick?: string | null } | null)?.nick;
  return {
    discordId: user.id,
    username: user.username,
    displayName: nick || user.globalName || user.username,
    avatarUrl: user.avatar ? user.avatarURL({ extension: 'png', size: 256 }) : null,
    isBot: user.bot,
  };
}

const STYLE = { primary: 1, secondary: 2, danger: 4 } as const;

function messageOf(answer: Answer): BaseMessageOptions {
  return {
    embeds: answer.embeds,
    components: (answer.buttons ?? []).map((row) => ({
      type: 1,
      components: row.map((b) => ({ type: 2, custom_id: b.id, label: b.label, style: STYLE[b.style] })),
    })),
    files: (answer.files ?? []).map((f) => new AttachmentBuilder(f.data, { name: f.name })),
  };
}

const ephemeral = { flags: MessageFlags.Ephemeral } as const;

/**
 * Runs `work`; when it is not done within `deferAfterMs`, acknowledges the interaction
 * first with `defer` so Discord's 3 s never pass. Returns the answer and the deferral (if any).
 */
async function withDeferral<T>(
  deferAfterMs: number,
  defer: () => Promise<unknown>,
  work: () => Promise<T>,
): Promise<{ result: T; deferred: Promise<unknown> | null }> {
  let deferred: Promise<unknown> | null = null;
  const timer = setTimeout(() => {
    deferred = defer();
    // Awaited once the answer is ready; until then a refusal (an expired interaction) must not go unhandled.
    deferred.catch(() => undefined);
  }, deferAfterMs);
  try {
    return { result: await work(), deferred };
  } finally {
    clearTimeout(timer);
  }
}

async function answerCommand(interaction: ChatInputCommandInteraction, deps: DispatchDeps): Promise<EventOutcome> {
  const locale = localeOf(interaction.locale);
  const t = TEXTS[locale];
  const command = commands.find((c) => c.name === interaction.commandName);
  if (!command || !interaction.inGuild()) {
    await interaction.reply({ ...messageOf(notice(command ? t.guildOnly : t.unknownCommand)), ...ephemeral });
    return 'ignored';
  }
  const options = interaction.options;
  const input: CommandInput = {
    interactionId: interaction.id,
    player: playerOf(interaction.user, interaction.member),
    locale,
    t,
    options: {
      subcommand: options.getSubcommand(false),
      string: (name) => options.getString(name),
      integer: (name) => options.getInteger(name),
      boolean: (name) => options.getBoolean(name),
      user: (name) => {
        const user = options.getUser(name);
        return user && playerOf(user, options.getMember(name));
      },
    },
  };
  let outcome: EventOutcome = 'handled';
  const stop = deps.metrics.commandDuration.startTimer({ command: command.name });
  const { result: answer, deferred } = await withDeferral(
    deps.deferAfterMs,
    () => interaction.deferReply(command.ephemeral ? ephemeral : {}),
    () =>
      command.run(input, deps).catch((err: unknown) => {
        deps.log.error({ err, command: command.name, interaction: interaction.id }, 'command failed');
        outcome = 'error';
        return notice(t.sorry);
      }),
  );
  try {
    if (!deferred) await interaction.reply({ ...messageOf(answer), ...(answer.ephemeral ? ephemeral : {}) });
    else {
      await deferred;
      if (answer.ephemeral === command.ephemeral) await interaction.editReply(messageOf(answer));
      else {
        // A private answer (an error) after a public deferral: the public placeholder goes.
        await interaction.deleteReply();
        await interaction.followUp({ ...messageOf(answer), ...ephemeral });
      }
    }
  } finally {
    stop();
  }
  return outcome;
}

async function answerButton(interaction: ButtonInteraction, deps: DispatchDeps): Promise<EventOutcome> {
  const locale = localeOf(interaction.locale);
  const t = TEXTS[locale];
  const handler = buttons.find((b) => interaction.customId.startsWith(b.prefix));
  if (!handler) {
    await interaction.reply({ ...messageOf(notice(t.mergeExpired)), ...ephemeral });
    return 'ignored';
  }
  let outcome: EventOutcome = 'handled';
  const stop = deps.metrics.commandDuration.startTimer({ command: `button:${handler.prefix.replace(/:$/, '')}` });
  const { result: answer, deferred } = await withDeferral(
    deps.deferAfterMs,
    () => interaction.deferUpdate(),
    () =>
      handler
        .run(
          {
            interactionId: interaction.id,
            value: interaction.customId.slice(handler.prefix.length),
            player: playerOf(interaction.user, interaction.member),
            locale,
            t,
          },
          deps,
        )
        .catch((err: unknown) => {
          deps.log.error({ err, button: handler.prefix, interaction: interaction.id }, 'button failed');
          outcome = 'error';
          return { reply: notice(t.sorry) };
        }),
  );
  try {
    if (deferred) await deferred;
    if ('update' in answer) {
      if (deferred) await interaction.editReply(messageOf(answer.update));
      else await interaction.update(messageOf(answer.update));
    } else {
      if (outcome === 'handled') outcome = 'refused';
      const message = { ...messageOf(answer.reply), ...ephemeral };
      if (deferred) await interaction.followUp(message);
      else await interaction.reply(message);
    }
  } finally {
    stop();
  }
  return outcome;
}

/** Commands and buttons from `interactionCreate`: parsed into plain values, answered, counted. */
export function attachInteractions(client: Client, deps: DispatchDeps): void {
  client.on('interactionCreate', (interaction: Interaction) => {
    const type = interaction.isChatInputCommand() ? 'interaction_command' : 'interaction_button';
    if (!interaction.isChatInputCommand() && !interaction.isButton()) {
      deps.metrics.events.inc({ type: 'interaction_other', outcome: 'ignored' });
      return;
    }
    const answered = interaction.isChatInputCommand()
      ? answerCommand(interaction, deps)
      : answerButton(interaction, deps);
    void answered.then(
      (outcome) => deps.metrics.events.inc({ type, outcome }),
      (err: unknown) => {
        const code = err instanceof DiscordAPIError ? err.code : null;
        const expired = code === UNKNOWN_INTERACTION || code === UNKNOWN_WEBHOOK;
        deps.metrics.events.inc({ type, outcome: expired ? 'expired' : 'error' });
        if (expired) deps.log.warn({ interaction: interaction.id }, 'the interaction expired before it was answered');
        else deps.log.error({ err, interaction: interaction.id }, 'could not answer the interaction');
      },
    );
  });
}
