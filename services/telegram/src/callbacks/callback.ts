import type { InlineButton, CommandDeps } from '../commands/command';
import type { Texts } from '../texts/texts';
import type { Sender } from '../update';

/** The message a button was pressed on, and the press itself. */
export interface Press {
  /** Shows a short notice to the presser (and stops the button's spinner). */
  answer(text?: string): Promise<void>;
  /** Replaces the text (and buttons) of the message the button was on, when Telegram included it. */
  edit(text: string, buttons?: InlineButton[][]): Promise<void>;
}

export interface CallbackInput {
  updateId: number;
  /** The callback data after the prefix. */
  value: string;
  from: Sender;
  t: Texts;
}

export interface Callback {
  /** Callback data starting with this is handled here (prefixes are unique). */
  prefix: string;
  run(input: CallbackInput, press: Press, deps: CommandDeps): Promise<void>;
}
