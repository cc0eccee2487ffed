import { findNotificationSettings } from '@ttfd/shared';
import { dedupeKeyOf, profileOf, type Command } from './command';

const ON = ['on', 'вкл', 'да', 'yes', '1'];
const OFF = ['off', 'выкл', 'нет', 'no', '0'];

/** `/notify on|off`: the cross-platform notifications preference; without an argument, its state. */
export const notifyCommand: Command = {
  name: 'notify',
  async run({ updateId, args, from, t }, chat, { pool, progression, botId }) {
    const word = args.toLowerCase();
    const enabled = ON.includes(word) ? true : OFF.includes(word) ? false : null;
    const { userId } = await progression.ensureUser({ platform: 'telegram', id: from.telegramId }, profileOf(from));
    if (enabled === null) {
      const settings = await findNotificationSettings(pool, userId);
      await chat.reply(t.notifyStatus(settings?.enabled ?? true));
      return;
    }
    await progression.setNotifications({
      userId,
      enabled,
      source: 'telegram',
      dedupeKey: dedupeKeyOf(botId, updateId),
    });
    await chat.reply(enabled ? t.notifyOn : t.notifyOff);
  },
};
