/**
 * Delivery with retries and a time limit per attempt. An alert that can't be delivered is a
 * failed delivery, reported and counted; it is never the run's error (unless fail_pipeline).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AlertDeliveryError } from './errors.ts';

export interface DeliveryPolicy {
  /** Attempts after the first one. */
  readonly retries: number;
  /** Wait before the first retry. */
  readonly delayMs: number;
  /** `exponential` doubles the wait after each retry. */
  readonly backoff: 'fixed' | 'exponential';
  /** Time limit of one attempt. */
  readonly timeoutMs: number;
}

export const DEFAULT_DELIVERY: DeliveryPolicy = {
  retries: 2,
  delayMs: 250,
  backoff: 'exponential',
  timeoutMs: 5000,
};

export interface DeliveryOutcome {
  readonly ok: boolean;
  readonly attempts: number;
  /** The last attempt's error, when delivery failed. */
  readonly error?: AlertDeliveryError | undefined;
}

/** Makes attempts until one succeeds, an error is not worth retrying, or retries run out. */
export async function deliver(
  attempt: (signal: AbortSignal) => Promise<void>,
  policy: DeliveryPolicy,
): Promise<DeliveryOutcome> {
  let last: AlertDeliveryError | undefined;
  for (let number = 1; number <= policy.retries + 1; number++) {
    const signal = AbortSignal.timeout(policy.timeoutMs);
    try {
      await attempt(signal);
      return { ok: true, attempts: number };
    } catch (error) {
      last =
        error instanceof AlertDeliveryError
          ? error
          : new AlertDeliveryError(messageOf(error), { retryable: true });
      if (signal.aborted && last.message.endsWith('timed out')) {
        last = new AlertDeliveryError(`${last.message} after ${policy.timeoutMs} ms`, { retryable: true });
      }
      if (!last.retryable || number > policy.retries) return { ok: false, attempts: number, error: last };
      const wait = policy.backoff === 'exponential' ? policy.delayMs * 2 ** (number - 1) : policy.delayMs;
      if (wait > 0) await sleep(wait);
    }
  }
  return { ok: false, attempts: policy.retries + 1, error: last };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
