/** Telegram-shaped updates, as the Bot API documentation describes them. */
let nextUpdateId = 500_000;
let nextMessageId = 1;

export interface TelegramUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export function telegramUser(id: number, extra: Partial<TelegramUser> = {}): TelegramUser {
  return { id, is_bot: false, first_name: `Player${id}`, username: `player_${id}`, language_code: 'ru', ...extra };
}

export const newUpdateId = () => ++nextUpdateId;

function commandEntities(text: string) {
  const m = /^\/\S+/.exec(text);
  return m ? { entities: [{ type: 'bot_command', offset: 0, length: m[0].length }] } : {};
}

export function messageUpdate(
  from: TelegramUser,
  text: string | null,
  options: { chat?: { id: number; type: string; title?: string }; updateId?: number; extra?: object } = {},
) {
  const chat = options.chat ?? { id: from.id, type: 'private', first_name: from.first_name, username: from.username };
  return {
    update_id: options.updateId ?? newUpdateId(),
    message: {
      message_id: ++nextMessageId,
      from,
      chat,
      date: Math.floor(Date.now() / 1000),
      ...(text === null ? {} : { text, ...commandEntities(text) }),
      ...options.extra,
    },
  };
}

export function callbackUpdate(from: TelegramUser, data: string, message?: { message_id: number; chatId?: number }) {
  return {
    update_id: newUpdateId(),
    callback_query: {
      id: String(4_000_000_000 + nextMessageId++),
      from,
      chat_instance: '-987654321',
      data,
      ...(message
        ? {
            message: {
              message_id: message.message_id,
              chat: { id: message.chatId ?? from.id, type: 'private' },
              date: Math.floor(Date.now() / 1000),
              text: 'earlier message',
            },
          }
        : {}),
    },
  };
}
