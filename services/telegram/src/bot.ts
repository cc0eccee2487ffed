import { Bot, type Api } from 'node-telegram-bot-api';
import type { Pool } from 'pg';
import { markReachable, type Linking, type Logger, type Progression, type Wake } from '@ttfd/shared';
import type { Callback, Press } from './callbacks/callback';
import { mergeCancelCallback, mergeConfirmCallback } from './callbacks/merge.callback';
import type { Chat, Command, CommandDeps, GameSettings, InlineButton } from './commands/command';
import { dailyCommand } from './commands/daily.command';
import { diceCommand } from './commands/dice.command';
import { helpCommand } from './commands/help.command';
import { linkCommand } from './commands/link.command';
import { notifyCommand } from './commands/notify.command';
import { profileCommand } from './commands/profile.command';
import { startCommand } from './commands/start.command';
import { topCommand } from './commands/top.command';
import type { TelegramMetrics, UpdateOutcome } from './metrics';
import { TEXTS } from './texts/locale';
import { isUpdate, parseUpdate, updateType, type Incoming } from './update';

/** Every command, in the order the menu and /help list them. */
export const commands: readonly Command[] = [
  startCommand,
  profileCommand,
  dailyCommand,
  diceCommand,
  topCommand,
  linkCommand,
  notifyCommand,
  helpCommand,
];

/** Every inline button the bot answers, by the prefix of its callback data. */
export const callbacks: readonly Callback[] = [mergeConfirmCallback, mergeCancelCallback];

export interface BotDeps {
  pool: Pool;
  progression: Progression;
  linking: Linking;
  wake: Wake;
  log: Logger;
  metrics: TelegramMetrics;
  game: GameSettings;
  /** The bot's @username (from getMe): deep links, and telling our commands from other bots' in groups. */
  botUsername: string;
  /** The bot's numeric id (from getMe): dedupe keys name it, since update ids restart with a new token. */
  botId: string;
  /** Bot API base URL (tests point it at a local fake). */
  apiRoot?: string;
  /** The clock (default: the system's). */
  now?: () => Date;
}

type DispatchDeps = CommandDeps & { metrics: TelegramMetrics };

const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+([\s\S]*))?$/;

function parseCommand(text: string): { name: string; bot: string | null; args: string } | null {
  const m = COMMAND.exec(text.trim());
  return m ? { name: m[1]!.toLowerCase(), bot: m[2] ?? null, args: (m[3] ?? '').trim() } : null;
}

function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name || c.aliases?.includes(name));
}

const keyboard = (buttons?: InlineButton[][]) =>
  buttons && { inline_keyboard: buttons.map((row) => row.map((b) => ({ text: b.text, callback_data: b.data }))) };

function chatOf(api: Api, chatId: number): Chat {
  const replyTo = (messageId?: number) =>
    messageId === undefined ? undefined : { message_id: messageId, allow_sending_without_reply: true };
  return {
    async reply(text, options = {}) {
      await api.sendMessage({
        chat_id: chatId,
        text,
        reply_parameters: replyTo(options.replyTo),
        reply_markup: keyboard(options.buttons),
      });
    },
    async rollDice(options = {}) {
      const sent = await api.sendDice({ chat_id: chatId, emoji: '🎲', reply_parameters: replyTo(options.replyTo) });
      const value = sent.dice?.value;
      if (!Number.isInteger(value)) throw new Error('Telegram answered sendDice without a die value');
      return value!;
    },
  };
}

async function handleMessage(
  incoming: Incoming & { kind: 'message' },
  api: Api,
  deps: DispatchDeps,
): Promise<UpdateOutcome> {
  const { from, text } = incoming;
  if (!from || from.isBot) return 'ignored';
  const t = TEXTS[from.locale];
  const chat = chatOf(api, incoming.chat.id);
  const parsed = text === null ? null : parseCommand(text);
  const addressedToUs = !parsed?.bot || parsed.bot.toLowerCase() === deps.botUsername.toLowerCase();
  const command = parsed && addressedToUs ? findCommand(parsed.name) : undefined;

  if (!incoming.chat.private) {
    // In groups the bot speaks only when one of its own commands is called.
    if (!command) return 'ignored';
    await chat.reply(t.privateOnly(deps.botUsername));
    return 'handled';
  }
  if (parsed && !addressedToUs) return 'ignored';
  if (!command) {
    await chat.reply(text?.trimStart().startsWith('/') ? t.unknownCommand : t.notACommand);
    return 'handled';
  }
  const stop = deps.metrics.commandDuration.startTimer({ command: command.name });
  try {
    await command.run(
      { updateId: incoming.updateId, messageId: incoming.messageId, args: parsed!.args, from, t },
      chat,
      deps,
    );
  } finally {
    stop();
  }
  return 'handled';
}

function pressOf(api: Api, incoming: Incoming & { kind: 'callback' }): Press {
  return {
    async answer(text) {
      await api.answerCallbackQuery({ callback_query_id: incoming.queryId, text });
    },
    async edit(text, buttons) {
      if (!incoming.message) return;
      await api.editMessageText({
        chat_id: incoming.message.chatId,
        message_id: incoming.message.messageId,
        text,
        reply_markup: keyboard(buttons),
      });
    },
  };
}

async function handleCallback(
  incoming: Incoming & { kind: 'callback' },
  api: Api,
  deps: DispatchDeps,
): Promise<UpdateOutcome> {
  const press = pressOf(api, incoming);
  const callback = callbacks.find((c) => incoming.data.startsWith(c.prefix));
  if (!callback || incoming.from.isBot) {
    // A button this bot does not know (or no longer knows): stop the client's spinner and move on.
    await press.answer();
    return 'ignored';
  }
  const input = {
    updateId: incoming.updateId,
    value: incoming.data.slice(callback.prefix.length),
    from: incoming.from,
    t: TEXTS[incoming.from.locale],
  };
  await callback.run(input, press, deps);
  return 'handled';
}

async function handle(incoming: Incoming, api: Api, deps: DispatchDeps): Promise<UpdateOutcome> {
  if (incoming.kind === 'message') return handleMessage(incoming, api, deps);
  if (incoming.kind === 'callback') return handleCallback(incoming, api, deps);
  return 'ignored';
}

async function apologise(incoming: Incoming, api: Api): Promise<void> {
  if (incoming.kind === 'message' && incoming.from) {
    await api.sendMessage({ chat_id: incoming.chat.id, text: TEXTS[incoming.from.locale].sorry });
  } else if (incoming.kind === 'callback') {
    await api.answerCallbackQuery({ callback_query_id: incoming.queryId, text: TEXTS[incoming.from.locale].sorry });
  }
}

/**
 * The bot over its dependencies. Every update goes through one dispatcher: it is parsed
 * into plain values, routed to a command, counted, and any failure is logged with the
 * update id and answered with a short apology; the bot itself never fails an update.
 */
export function createBot(token: string, deps: BotDeps): Bot {
  const bot = new Bot(token, { apiRoot: deps.apiRoot, timeoutMs: 15_000 });
  const commandDeps: DispatchDeps = {
    ...deps,
    now: deps.now ?? (() => new Date()),
    commands,
  };
  bot.use(async (ctx) => {
    const update: unknown = ctx.update;
    if (!isUpdate(update)) {
      deps.metrics.updates.inc({ type: 'unknown', outcome: 'malformed' });
      return;
    }
    const type = updateType(update);
    const incoming = parseUpdate(update);
    // A player who writes to the bot can be messaged again, even if they had blocked it.
    if (incoming.kind === 'message' && incoming.chat.private && incoming.from)
      void markReachable(deps.pool, { platform: 'telegram', id: incoming.from.telegramId }, 'telegram:message').catch(
        (err: unknown) => deps.log.warn({ err }, 'could not turn Telegram messages back on'),
      );
    let outcome: UpdateOutcome;
    try {
      outcome = await handle(incoming, ctx.api, commandDeps);
    } catch (err) {
      outcome = 'error';
      deps.log.error({ err, updateId: update.update_id, type }, 'update failed');
      await apologise(incoming, ctx.api).catch((apologyErr: unknown) =>
        deps.log.warn({ err: apologyErr, updateId: update.update_id }, 'could not send the apology'),
      );
    }
    deps.metrics.updates.inc({ type, outcome });
  });
  bot.catch((err) => deps.log.error({ err }, 'update failed outside the dispatcher'));
  return bot;
}

/** The command menu Telegram shows: Russian by default, English for English-speaking users. */
export async function publishCommands(api: Api): Promise<void> {
  for (const language of ['ru', 'en'] as const) {
    const t = TEXTS[language];
    await api.setMyCommands({
      commands: commands.map((c) => ({ command: c.name, description: t.commands[c.name] })),
      language_code: language === 'ru' ? undefined : language,
    });
  }
}
