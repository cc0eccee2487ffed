import { findNotificationSettings, markReachable, refusalText } from '@ttfd/shared';
import { dedupeKeyOf, profileOf, type Command } from './command';

const ON = ['on', 'вкл', 'да', 'yes', '1'];
const OFF = ['off', 'выкл', 'нет', 'no', '0'];

/**
 * `/notify on|off`: whether the Telegram bot sends the player notifications (Discord has its
 * own /notify); without an argument, its state and every platform that refused delivery,
 * with what to do. `/notify on` also tries the refused targets again (one refusal turns a
 * target off anew).
 */
export const notifyCommand: Command = {
  name: 'notify',
  async run({ updateId, args, from, t }, chat, { pool, progression, botId }) {
    const word = args.toLowerCase();
    const enabled = ON.includes(word) ? true : OFF.includes(word) ? false : null;
    const { userId } = await progression.ensureUser({ platform: 'telegram', id: from.telegramId }, profileOf(from));
    const settings = await findNotificationSettings(pool, userId);
    if (enabled === null) {
      // Writing to the bot already turned Telegram messages back on (bot.ts): only the others are paused.
      const paused = (settings?.refused ?? []).filter((r) => r.target !== 'telegram:message');
      await chat.reply(
        [
          t.notifyStatus(settings?.enabled.telegram ?? true),
          ...paused.map((r) => `⚠️ ${refusalText(r.target, from.locale)}`),
        ].join('\n'),
      );
      return;
    }
    await progression.setNotifications({
      userId,
      platform: 'telegram',
      enabled,
      source: 'telegram',
      dedupeKey: dedupeKeyOf(botId, updateId),
    });
    if (enabled) for (const r of settings?.refused ?? []) await markReachable(pool, { userId }, r.target);
    await chat.reply(enabled ? t.notifyOn : t.notifyOff);
  },
};
