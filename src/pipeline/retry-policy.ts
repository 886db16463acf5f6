/**
 * How a node is retried when an attempt fails. An attempt is the node's loads, `beforeNodeRun`,
 * its function and `afterNodeRun`; saves are not retried, because some outputs may already be
 * written (and a versioned output can't be written twice).
 */
export interface RetryPolicy {
  /** Retries after the first attempt: `max: 2` means at most 3 attempts. */
  readonly max: number;
  /** The wait before the first retry, in milliseconds. Default 0. */
  readonly delayMs?: number;
  /** `fixed` waits `delayMs` each time; `exponential` doubles it after each retry. Default `fixed`. */
  readonly backoff?: 'fixed' | 'exponential';
  /**
   * Randomises each wait to avoid retry storms: `true` or a fraction in (0, 1]; a wait of `d`
   * becomes a random value in `[d * (1 - jitter), d]`. Default: none.
   */
  readonly jitter?: boolean | number;
  /** Error classes that are never retried (a bad credential won't fix itself). */
  readonly nonRetryable?: readonly (abstract new (...args: never[]) => Error)[];
  /** Decides per error; runs after `nonRetryable`. Default: retry every error. */
  readonly retryOn?: (error: Error) => boolean;
}

/** The wait before retry number `retry` (1-based), with backoff and jitter applied. */
export function retryDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const base = policy.delayMs ?? 0;
  const delay = policy.backoff === 'exponential' ? base * 2 ** (retry - 1) : base;
  const jitter = policy.jitter === true ? 1 : typeof policy.jitter === 'number' ? policy.jitter : 0;
  return Math.round(delay * (1 - jitter * random()));
}

/** Whether an error may be retried under this policy. */
export function isRetryable(policy: RetryPolicy, error: Error): boolean {
  if (policy.nonRetryable?.some((type) => error instanceof type)) return false;
  return policy.retryOn === undefined || policy.retryOn(error);
}
