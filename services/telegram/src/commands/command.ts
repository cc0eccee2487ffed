import type { Pool } from 'pg';
import type { Linking, Logger, Progression, Wake } from '@ttfd/shared';
import type { Sender } from '../update';
import type { Texts } from '../texts/texts';

export interface InlineButton {
  text: string;
  data: string;
}

/** The chat an update came from, as the handlers see it (the bot library stays in bot.ts). */
export interface Chat {
  reply(text: string, options?: { buttons?: InlineButton[][]; replyTo?: number }): Promise<void>;
  /** Sends Telegram's animated die and returns the value Telegram rolled (1-6). */
  rollDice(options?: { replyTo?: number }): Promise<number>;
}

export interface GameSettings {
  diceCooldownSeconds: number;
  diceWinXp: number;
  diceWinCoins: number;
  dicePlayXp: number;
}

export interface CommandInput {
  updateId: number;
  messageId: number;
  /** Everything after the command, trimmed ('' when none). */
  args: string;
  from: Sender;
  t: Texts;
}

export interface CommandDeps {
  pool: Pool;
  progression: Progression;
  linking: Linking;
  wake: Wake;
  log: Logger;
  game: GameSettings;
  botUsername: string;
  /** The clock waits are measured by (tests set it). */
  now: () => Date;
  /** The bot's numeric id; part of every dedupe key. */
  botId: string;
  /** Every command, in menu order (for /help). */
  commands: readonly Command[];
}

export interface Command {
  /** Also the key of its menu description in the texts. */
  name: keyof Texts['commands'];
  aliases?: readonly string[];
  run(input: CommandInput, chat: Chat, deps: CommandDeps): Promise<void>;
}

/**
 * A redelivered update must not award twice: every award carries this key. It names the
 * bot, because Telegram numbers updates per bot and starts again for a new token (and
 * after a week without updates).
 */
export const dedupeKeyOf = (botId: string, updateId: number) => `telegram:${botId}:update:${updateId}`;

export const telegramPlayer = (from: Sender) => ({ platform: 'telegram' as const, id: from.telegramId });

export const profileOf = (from: Sender) => ({
  username: from.username,
  displayName: from.name,
  locale: from.locale,
});
