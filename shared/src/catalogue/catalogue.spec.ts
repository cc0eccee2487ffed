import { describeEvent } from './event-descriptions';
import { localeOf } from './locale';
import { rankName } from './ranks';
import { refusalText } from './refusals';

describe('localeOf', () => {
  it('is English for any English language code and Russian otherwise', () => {
    expect([
      localeOf('en'),
      localeOf('en-GB'),
      localeOf('EN'),
      localeOf('ru'),
      localeOf('de'),
      localeOf(undefined),
    ]).toEqual(['en', 'en', 'en', 'ru', 'ru', 'ru']);
  });
});

describe('rankName', () => {
  it('keeps the number of a rank the catalogue does not know yet', () => {
    expect([rankName(99, 'ru'), rankName(99, 'en')]).toEqual(['Ранг №99', 'Rank #99']);
  });
});

describe('describeEvent', () => {
  it('says what an event did and where, in the player’s language', () => {
    const game = {
      type: 'game_played',
      source: 'telegram',
      data: { game: 'dice', won: true, xp_delta: 25, coins_delta: 5 },
    } as const;
    expect(describeEvent(game, 'en')).toBe('+25 XP, +5 coins from winning a dice game in Telegram');
    expect(describeEvent(game, 'ru')).toBe('+25 XP, +5 монет за игру в кости в Telegram — победа');
    const lost = { ...game, data: { game: 'dice', won: false, xp_delta: 5, coins_delta: 0 } };
    expect(describeEvent(lost, 'en')).toBe('+5 XP from a dice game in Telegram');
    const rankUp = {
      type: 'rank_up',
      source: 'discord',
      data: { from_rank_id: 3, to_rank_id: 4, rank_name: 'Sergeant', xp: 700 },
    } as const;
    expect([describeEvent(rankUp, 'ru'), describeEvent(rankUp, 'en')]).toEqual([
      'Новый ранг: Сержант',
      'New rank: Sergeant',
    ]);
    const spend = {
      type: 'xp_change',
      source: 'website',
      data: { xp_delta: 0, coins_delta: -30, reason: 'purchase', xp: 10, coins: 0, rank_id: 1 },
    } as const;
    expect(describeEvent(spend, 'en')).toBe('−30 coins on the website');
    expect(
      describeEvent({ type: 'achievement_unlocked', source: 'system', data: { achievement: 'week_streak' } }, 'ru'),
    ).toBe('Достижение: Неделя подряд');
  });
});

describe('refusalText', () => {
  it('says which platform refused, that it is paused, and what brings it back, in both languages', () => {
    expect(refusalText('telegram:message', 'en')).toBe(
      'Telegram: you blocked the bot — notifications there are paused. Send the bot any message to turn them back on.',
    );
    expect(refusalText('telegram:message', 'ru')).toBe(
      'Telegram: вы заблокировали бота — уведомления туда приостановлены. Напишите боту любое сообщение, чтобы включить их снова.',
    );
    for (const target of ['discord:dm', 'discord:roles'] as const) {
      expect(refusalText(target, 'en')).toMatch(/^Discord: .* paused\. .*\/notify on\.$/);
      expect(refusalText(target, 'ru')).toMatch(/^Discord: .*\/notify on\.$/);
    }
  });
});
