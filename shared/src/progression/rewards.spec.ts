import { dailyReward, utcDay } from './rewards';

describe('dailyReward', () => {
  it('grows with the streak up to its cap', () => {
    expect([1, 2, 7, 11, 30].map((d) => dailyReward(d))).toEqual([
      { xp: 50, coins: 20 },
      { xp: 60, coins: 25 },
      { xp: 110, coins: 50 },
      { xp: 150, coins: 70 },
      { xp: 150, coins: 70 },
    ]);
  });
});

describe('utcDay', () => {
  it('is the UTC calendar day, whatever the local time zone', () => {
    expect(utcDay(new Date('2026-03-10T23:59:59.999Z'))).toBe('2026-03-10');
    expect(utcDay(new Date('2026-03-11T00:00:00+03:00'))).toBe('2026-03-10');
  });
});
