/**
 * Delivery with retries and a time limit per attempt. An alert that can't be delivered is a
 * failed delivery, reported and counted; it is never the run's error (unless fail_pipeline).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { MissingPackageError } from '../../plugin-api/index.ts';
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

/** What bounds every delivery of a run in one process, whatever its own policy says. */
export interface DeliveryLimits {
  /** The run's cancellation: a cancelled run stops its deliveries at once. */
  readonly signal?: AbortSignal | undefined;
  /** `performance.now()` past which no attempt starts and every running one is cut short. */
  readonly deadline?: number | undefined;
  /** The budget behind `deadline`, for messages. */
  readonly budgetMs?: number | undefined;
}

/**
 * Makes attempts until one succeeds, an error is not worth retrying, or retries run out. The run's
 * limits come first: once the run is cancelled or the alerts' time budget is spent, the attempt
 * in flight is aborted and no other starts.
 */
export async function deliver(
  attempt: (signal: AbortSignal) => Promise<void>,
  policy: DeliveryPolicy,
  limits: DeliveryLimits = {},
): Promise<DeliveryOutcome> {
  let last: AlertDeliveryError | undefined;
  for (let number = 1; number <= policy.retries + 1; number++) {
    const stop = stopReason(limits);
    if (stop !== undefined) return { ok: false, attempts: number - 1, error: stop };
    const remaining = limits.deadline === undefined ? Infinity : limits.deadline - performance.now();
    const timeout = AbortSignal.timeout(Math.max(1, Math.ceil(Math.min(policy.timeoutMs, remaining))));
    const signal = limits.signal === undefined ? timeout : AbortSignal.any([timeout, limits.signal]);
    try {
      await attempt(signal);
      return { ok: true, attempts: number };
    } catch (error) {
      last =
        error instanceof AlertDeliveryError
          ? error
          : error instanceof MissingPackageError
            ? // Another attempt would miss the same package (nodemailer for email alerts).
              new AlertDeliveryError(error.message, {
                retryable: false,
                ...(error.hint ? { hint: error.hint } : {}),
              })
            : new AlertDeliveryError(messageOf(error), { retryable: true });
      const limited = stopReason(limits);
      if (limited !== undefined) return { ok: false, attempts: number, error: limited };
      if (signal.aborted && last.message.endsWith('timed out')) {
        last = new AlertDeliveryError(`${last.message} after ${policy.timeoutMs} ms`, { retryable: true });
      }
      if (!last.retryable || number > policy.retries) return { ok: false, attempts: number, error: last };
      const wait = policy.backoff === 'exponential' ? policy.delayMs * 2 ** (number - 1) : policy.delayMs;
      if (wait > 0) await pause(wait, limits);
    }
  }
  return { ok: false, attempts: policy.retries + 1, error: last };
}

function stopReason(limits: DeliveryLimits): AlertDeliveryError | undefined {
  if (limits.signal?.aborted)
    return new AlertDeliveryError('not sent: the run was cancelled', { retryable: false });
  if (limits.deadline !== undefined && performance.now() >= limits.deadline)
    return new AlertDeliveryError(
      `not sent: the alerts' time budget for this run (time_budget_ms: ${limits.budgetMs ?? '?'}) is spent`,
      { retryable: false },
    );
  return undefined;
}

/** Waits between retries; cut short by cancellation or the deadline (the next check reports why). */
async function pause(ms: number, limits: DeliveryLimits): Promise<void> {
  const remaining = limits.deadline === undefined ? ms : Math.min(ms, limits.deadline - performance.now());
  if (remaining <= 0) return;
  try {
    await sleep(remaining, undefined, limits.signal === undefined ? {} : { signal: limits.signal });
  } catch {
    // Aborted: the caller's next check says so.
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
