import type { Platform } from '@ttfd/shared';

/**
 * - permanent: the platform will refuse this every time (missing permissions, unknown
 *   member, bot blocked, chat not found): the event is dead-lettered at once.
 * - transient: try again later with backoff (5xx, network, timeouts, a bad token).
 * - rate_limited: try again after `retryAfterMs`; it does not count as a failed attempt.
 */
export type DeliveryFailure = 'permanent' | 'transient' | 'rate_limited';

/** How a driver call ended, for `ttfd_driver_requests_total{platform,outcome}`. */
export type DriverOutcome = 'ok' | 'rate_limited' | 'transient_error' | 'permanent_error';

export type ObserveRequest = (outcome: DriverOutcome) => void;

/** A platform call that failed, classified so the worker knows whether and when to retry. */
export class DeliveryError extends Error {
  readonly retryAfterMs: number | null;
  /** The request may have reached the platform (a timeout): the effect may have happened. */
  readonly maybeDelivered: boolean;

  constructor(
    readonly platform: Platform,
    readonly failure: DeliveryFailure,
    message: string,
    options: { retryAfterMs?: number; maybeDelivered?: boolean; cause?: unknown } = {},
  ) {
    super(`${platform}: ${message}`, { cause: options.cause });
    this.name = 'DeliveryError';
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.maybeDelivered = options.maybeDelivered ?? false;
  }
}

export function outcomeOf(err: unknown): DriverOutcome {
  if (!(err instanceof DeliveryError)) return 'transient_error';
  if (err.failure === 'rate_limited') return 'rate_limited';
  return err.failure === 'permanent' ? 'permanent_error' : 'transient_error';
}
