import { profileOf, telegramPlayer, type Command } from './command';

/** `/daily`: the daily reward, once per UTC day, growing with the streak. */
export const dailyCommand: Command = {
  name: 'daily',
  async run({ from, t }, chat, { progression }) {
    const res = await progression.claimDaily({
      player: telegramPlayer(from),
      source: 'telegram',
      profile: profileOf(from),
    });
    if (res.status === 'already_claimed') {
      const minutes = Math.max(1, Math.ceil((res.nextClaimAt.getTime() - Date.now()) / 60_000));
      await chat.reply(t.dailyAlready({ hours: Math.floor(minutes / 60), minutes: minutes % 60 }));
      return;
    }
    await chat.reply(t.dailyClaimed({ streak: res.dailyStreak, xp: res.xpDelta, coins: res.coinsDelta }));
  },
};
