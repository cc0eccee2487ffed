import { releaseCooldown, takeCooldown, wasRecorded } from '@ttfd/shared';
import { dedupeKeyOf, profileOf, telegramPlayer, type Command } from './command';

/**
 * `/dice`: Telegram rolls an animated die for the player and one for the bot; the higher
 * wins. The game is recorded once per update, and a player plays at most once per cooldown.
 */
export const diceCommand: Command = {
  name: 'dice',
  async run({ updateId, messageId, from, t }, chat, { pool, progression, game, botId }) {
    const dedupeKey = dedupeKeyOf(botId, updateId);
    // A redelivered update whose game is already recorded: the result was sent the first time.
    if (await wasRecorded(pool, dedupeKey)) return chat.reply(t.diceDuplicate);
    const { userId } = await progression.ensureUser(telegramPlayer(from), profileOf(from));
    const slot = await takeCooldown(pool, userId, 'dice', game.diceCooldownSeconds);
    if (!slot.ok) {
      await chat.reply(t.diceCooldown(slot.retryInSeconds));
      return;
    }
    try {
      const player = await chat.rollDice({ replyTo: messageId });
      const bot = await chat.rollDice();
      const outcome = player > bot ? 'win' : player < bot ? 'loss' : 'draw';
      const xp = outcome === 'win' ? game.diceWinXp : game.dicePlayXp;
      const coins = outcome === 'win' ? game.diceWinCoins : 0;
      const res = await progression.recordGame({
        player: telegramPlayer(from),
        game: 'dice',
        won: outcome === 'win',
        xp,
        coins,
        source: 'telegram',
        dedupeKey,
        profile: profileOf(from),
      });
      if (res.status === 'duplicate') return chat.reply(t.diceDuplicate);
      await chat.reply(t.diceResult({ player, bot, outcome, xp: res.xpDelta, coins: res.coinsDelta }));
    } catch (err) {
      await releaseCooldown(pool, userId, 'dice');
      throw err;
    }
  },
};
