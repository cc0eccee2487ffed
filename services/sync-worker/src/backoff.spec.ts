import { retryDelay } from './backoff';

const policy = { baseMs: 1_000, maxMs: 60_000 };

describe('retryDelay', () => {
  it('doubles per failure between half and all of the ceiling', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n, policy, () => 0))).toEqual([500, 1_000, 2_000, 4_000]);
    expect([1, 2, 3, 4].map((n) => retryDelay(n, policy, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('stops growing at the cap, however many failures', () => {
    expect(retryDelay(7, policy, () => 1)).toBe(60_000);
    expect(retryDelay(500, policy, () => 0)).toBe(30_000);
  });

  it('spreads events that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelay(3, policy)));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(2_000);
  });
});
