/** The daily reward grows by `step` for each consecutive day, up to `cap`. */
export const DAILY_REWARD = {
  xp: { base: 50, step: 10, cap: 150 },
  coins: { base: 20, step: 5, cap: 70 },
} as const;

export function dailyReward(streak: number): { xp: number; coins: number } {
  const grow = (r: { base: number; step: number; cap: number }) => Math.min(r.base + r.step * (streak - 1), r.cap);
  return { xp: grow(DAILY_REWARD.xp), coins: grow(DAILY_REWARD.coins) };
}

/** UTC calendar day of an instant, as YYYY-MM-DD. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
