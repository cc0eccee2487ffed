import { z } from 'zod';
import { UPDATE_TYPES } from 'node-telegram-bot-api';
import { localeOf, type Locale } from '@ttfd/shared';

/** The person behind an update, cleaned for storage. */
export interface Sender {
  telegramId: number;
  isBot: boolean;
  username: string | null;
  /** First and last name, when the user has any. */
  name: string | null;
  /** What to call them: their name, else their @username, else their id. */
  displayName: string;
  locale: Locale;
}

export type Incoming =
  | {
      kind: 'message';
      updateId: number;
      messageId: number;
      chat: { id: number; private: boolean };
      from: Sender | null;
      text: string | null;
    }
  | {
      kind: 'callback';
      updateId: number;
      queryId: string;
      from: Sender;
      data: string;
      message: { chatId: number; messageId: number } | null;
    }
  | { kind: 'other'; updateId: number };

// Only the fields the bot reads are checked; anything else in an update is left alone.
const id = z.number().int().safe();
const user = z.object({
  id: id.positive(),
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});
const chat = z.object({ id, type: z.string() });
const message = z.object({ message_id: id, chat, from: user.optional(), text: z.string().optional() });
const callbackQuery = z.object({
  id: z.string().min(1).max(256),
  from: user,
  data: z.string().max(256).optional(),
  message: z.object({ message_id: id, chat }).optional(),
});

/** What webhook and polling accept as an update at all: an object with a valid update_id. */
export function isUpdate(body: unknown): body is { update_id: number } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const updateId = (body as { update_id?: unknown }).update_id;
  return typeof updateId === 'number' && Number.isSafeInteger(updateId) && updateId >= 0;
}

/** The kind of an update for metrics: its payload key, from the Bot API's closed list. */
export function updateType(update: object): string {
  return UPDATE_TYPES.find((key) => key in update) ?? 'unknown';
}

/** Postgres text cannot hold NUL; names are capped to what Telegram itself allows. */
function clean(value: string | undefined, max: number): string | null {
  const cleaned = value?.replaceAll('\u0000', '').trim().slice(0, max);
  return cleaned ? cleaned : null;
}

function senderOf(u: z.infer<typeof user>): Sender {
  const username = clean(u.username, 64);
  const name = clean([clean(u.first_name, 64), clean(u.last_name, 64)].filter(Boolean).join(' '), 128);
  return {
    telegramId: u.id,
    isBot: u.is_bot === true,
    username,
    name,
    displayName: name ?? username ?? `#${u.id}`,
    locale: localeOf(u.language_code),
  };
}

/** Turns a raw update into the plain values the handlers work with. */
export function parseUpdate(update: { update_id: number }): Incoming {
  const updateId = update.update_id;
  if ('message' in update) {
    const m = message.safeParse(update.message);
    if (!m.success) return { kind: 'other', updateId };
    return {
      kind: 'message',
      updateId,
      messageId: m.data.message_id,
      chat: { id: m.data.chat.id, private: m.data.chat.type === 'private' },
      from: m.data.from ? senderOf(m.data.from) : null,
      text: m.data.text ?? null,
    };
  }
  if ('callback_query' in update) {
    const q = callbackQuery.safeParse(update.callback_query);
    if (!q.success) return { kind: 'other', updateId };
    return {
      kind: 'callback',
      updateId,
      queryId: q.data.id,
      from: senderOf(q.data.from),
      data: q.data.data ?? '',
      message: q.data.message ? { chatId: q.data.message.chat.id, messageId: q.data.message.message_id } : null,
    };
  }
  return { kind: 'other', updateId };
}
