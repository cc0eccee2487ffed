import type { Platform } from '@ttfd/shared';

/**
 * - unreachable: the player refuses this target (blocked the bot, chat not found, DMs
 *   closed, not in the guild): that target is turned off for them; not a fault.
 * - permanent: a fault retrying cannot fix (missing permissions, an unknown role, a bad
 *   request): the event is dead-lettered at once.
 * - transient: try again later with backoff (5xx, network, timeouts).
 * - rate_limited: try again after `retryAfterMs`; it does not count as a failed attempt.
 * - misconfigured: the platform refuses our credentials (401): nothing more is sent to it
 *   until the token is fixed; events wait without spending attempts.
 */
export type DeliveryFailure = 'unreachable' | 'permanent' | 'transient' | 'rate_limited' | 'misconfigured';

/** How a driver call ended, for `ttfd_driver_requests_total{platform,outcome}`. */
export type DriverOutcome = 'ok' | 'rate_limited' | 'transient_error' | 'permanent_error' | 'unreachable';

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
  if (err.failure === 'unreachable') return 'unreachable';
  return err.failure === 'transient' ? 'transient_error' : 'permanent_error';
}

/**
 * Remembers the first "bad credentials" answer of a platform: from then on the driver
 * sends nothing, /readyz reports it and the log says what to fix (once).
 */
export function credentialsGuard(platform: Platform, variable: string, onFault?: (message: string) => void) {
  let fault: string | null = null;
  return {
    get fault() {
      return fault;
    },
    /** Throws the remembered fault instead of making a request. */
    check() {
      if (fault) throw new DeliveryError(platform, 'misconfigured', fault.replace(`${platform}: `, ''));
    },
    /** Records the fault when `err` says our credentials are refused; returns the error to throw. */
    note(err: DeliveryError): DeliveryError {
      if (err.failure !== 'misconfigured' || fault) return err;
      fault = `${err.message}: ${variable} is refused; nothing is sent to ${platform} until it is fixed and the worker restarted`;
      onFault?.(fault);
      return err;
    },
  };
}
