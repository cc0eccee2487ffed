export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * The wait before the next try after `failures` failed attempts: doubling from `baseMs`,
 * capped at `maxMs`, with "equal jitter" (half fixed, half random) so that events that
 * failed together do not all come back at the same moment.
 */
export function retryDelay(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(failures, 1) - 1, 40));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
