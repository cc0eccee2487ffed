import type { Pool } from 'pg';
import type { Linking, Locale, Logger, Progression } from '@ttfd/shared';
import type { Texts } from '../texts/texts';

/** The Discord user behind an interaction, as the handlers see them. */
export interface DiscordPlayer {
  discordId: string;
  username: string;
  /** The server nickname, else the global display name, else the username. */
  displayName: string;
  /** Their own avatar on the CDN (PNG, 256 px); null with Discord's default avatar. */
  avatarUrl: string | null;
  isBot: boolean;
}

/** An embed as Discord's API takes it (a subset). */
export interface Embed {
  title?: string;
  description?: string;
  color?: number;
  fields?: { name: string; value: string; inline?: boolean }[];
  /** `attachment://<file name>` for an attached image. */
  image?: { url: string };
  footer?: { text: string };
}

export interface Button {
  /** Custom id: `<prefix><value>` (at most 100 characters). */
  id: string;
  label: string;
  style: 'primary' | 'secondary' | 'danger';
}

/** What a handler answers: embeds, maybe buttons and files; `ephemeral`: only the player sees it. */
export interface Answer {
  embeds: Embed[];
  ephemeral: boolean;
  buttons?: Button[][];
  files?: { name: string; data: Buffer }[];
}

export interface CommandInput {
  interactionId: string;
  player: DiscordPlayer;
  locale: Locale;
  t: Texts;
  /** Option values by their (English) name; a sub-command's name is `subcommand`. */
  options: {
    subcommand: string | null;
    string(name: string): string | null;
    integer(name: string): number | null;
    boolean(name: string): boolean | null;
    user(name: string): DiscordPlayer | null;
  };
}

export interface InteractionDeps {
  pool: Pool;
  progression: Progression;
  linking: Linking;
  log: Logger;
  now: () => Date;
  /** The avatar's bytes for the rank card, or null (timeout, no avatar). */
  fetchAvatar: (url: string | null) => Promise<Buffer | null>;
}

export interface Command {
  /** The definition's (English) name in DISCORD_COMMANDS. */
  name: string;
  /** Whether a deferred answer is private (an error after a public deferral is sent privately). */
  ephemeral: boolean;
  run(input: CommandInput, deps: InteractionDeps): Promise<Answer>;
}

export interface ButtonInput {
  interactionId: string;
  /** The custom id after the prefix. */
  value: string;
  player: DiscordPlayer;
  locale: Locale;
  t: Texts;
}

/** A press changes the message it was on (`update`) or gets its own private answer (`reply`). */
export type ButtonAnswer = { update: Answer } | { reply: Answer };

export interface ButtonHandler {
  /** Custom ids starting with this are handled here (prefixes are unique). */
  prefix: string;
  run(input: ButtonInput, deps: InteractionDeps): Promise<ButtonAnswer>;
}

/** Embed colours. */
export const COLOURS = { info: 0x5865f2, success: 0x57f287, warning: 0xfee75c, error: 0xed4245 } as const;

export const notice = (description: string, colour: number = COLOURS.error): Answer => ({
  embeds: [{ description, color: colour }],
  ephemeral: true,
});

export const discordProfile = (player: DiscordPlayer, locale: Locale) => ({
  username: player.username,
  displayName: player.displayName,
  locale,
});
