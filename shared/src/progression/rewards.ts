/**
 * The daily reward grows by `step` for each consecutive day, up to `cap`. These are the
 * parameters of the progress statement, which alone computes the reward (progress.sql.ts).
 */
export const DAILY_REWARD = {
  xp: { base: 50, step: 10, cap: 150 },
  coins: { base: 20, step: 5, cap: 70 },
} as const;

/** UTC calendar day of an instant, as YYYY-MM-DD. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** When the next daily reward can be claimed once today's is taken: the next UTC midnight. */
export function nextDailyClaimAt(now: Date): Date {
  const next = new Date(`${utcDay(now)}T00:00:00.000Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next;
}
