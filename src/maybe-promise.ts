/** A value, or a promise of it. Hooks and memory datasets return plain values so the hot path allocates no promise. */
export type MaybePromise<T> = T | Promise<T>;

/** True for promises and other thenables. Cheap: callers test `value != null` first on the hot path. */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Waits for a hook call that returned a promise. For once-per-run hooks; hot paths test isPromiseLike inline. */
export async function settle(value: unknown): Promise<void> {
  if (isPromiseLike(value)) await value;
}
