import { dailyWait } from '@ttfd/shared';
import { profileOf, telegramPlayer, type Command } from './command';

/** `/daily`: the daily reward, once per UTC day, growing with the streak. */
export const dailyCommand: Command = {
  name: 'daily',
  async run({ from, t }, chat, { progression, now }) {
    const res = await progression.claimDaily({
      player: telegramPlayer(from),
      source: 'telegram',
      profile: profileOf(from),
    });
    if (res.status === 'already_claimed') {
      await chat.reply(t.dailyAlready(dailyWait(res.nextClaimAt, now())));
      return;
    }
    await chat.reply(t.dailyClaimed({ streak: res.dailyStreak, xp: res.xpDelta, coins: res.coinsDelta }));
  },
};
