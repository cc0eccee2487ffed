import { findProfile } from '../queries/profile.query';
import { setNotifications } from '../queries/notifications.query';
import { dedupeKeyOf, profileOf, type Command } from './command';

const ON = ['on', 'вкл', 'да', 'yes', '1'];
const OFF = ['off', 'выкл', 'нет', 'no', '0'];

/** `/notify on|off`: the cross-platform notifications preference; without an argument, its state. */
export const notifyCommand: Command = {
  name: 'notify',
  async run({ updateId, args, from, t }, chat, { pool, progression, wake, botId }) {
    const word = args.toLowerCase();
    const enabled = ON.includes(word) ? true : OFF.includes(word) ? false : null;
    const { userId } = await progression.ensureUser({ platform: 'telegram', id: from.telegramId }, profileOf(from));
    if (enabled === null) {
      const profile = await findProfile(pool, userId);
      await chat.reply(t.notifyStatus(profile?.notificationsEnabled ?? true));
      return;
    }
    const changed = await setNotifications(pool, {
      userId,
      enabled,
      source: 'telegram',
      dedupeKey: dedupeKeyOf(botId, updateId),
    });
    if (changed) wake.signal();
    await chat.reply(enabled ? t.notifyOn : t.notifyOff);
  },
};
