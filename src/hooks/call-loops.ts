/**
 * How one hook call runs: the reference implementation, followed by every call. Plain
 * implementations run in order, their non-empty results collected (or, for a first-result hook,
 * the first one returned); a promise makes the rest wait for it; wrappers nest around it all. Each
 * loop has one catch that names the implementation that threw (`hookFailureSource`).
 * generated-call-sites.ts builds faster equivalents of `listLoop` and `firstResultLoop`.
 */
import { isPromiseLike } from '../maybe-promise.ts';
import { HookCallError } from './errors.ts';
import { recordFailure } from './failure-source.ts';
import type { HookImpl } from './implementation.ts';
import type { Results } from './results.ts';
import { NO_RESULTS, SOURCES, newResults } from './results.ts';

/** A compiled call: one function per hook, rebuilt whenever the hook's implementations change. */
export type CompiledCall = (args: object) => unknown;
export type Fn = (args: object) => unknown;
export type WrapperFn = (args: object, next: () => unknown) => unknown;

/** A list hook: every implementation in order, collecting the non-empty results. */
export function listLoop(fns: Fn[], impls: HookImpl[]): CompiledCall {
  const count = fns.length;
  return (args) => {
    let results: Results | undefined;
    let i = 0;
    try {
      for (; i < count; i++) {
        const result = fns[i]!(args);
        if (result != null) {
          if (isPromiseLike(result)) return continueListAsync(fns, impls, i, result, args, results);
          results ??= newResults();
          results.push(result);
          results[SOURCES].push(impls[i]!.pluginName);
        }
      }
    } catch (error) {
      recordFailure(error, impls[i]!);
      throw error;
    }
    return results ?? NO_RESULTS;
  };
}

/**
 * Continues a list call once implementation `index` returned a promise; later ones wait for it.
 * `results` holds what the synchronous implementations before it returned, if anything: it is
 * created only when there is a result to keep, since async implementations usually return none.
 * A `then` rather than an async function: one async implementation among sync ones then costs
 * the caller one extra await and nothing more (docs/benchmarks.md, "Hooks").
 */
export function continueListAsync(
  fns: Fn[],
  impls: HookImpl[],
  index: number,
  pending: PromiseLike<unknown>,
  args: object,
  results: Results | undefined,
): Promise<Results | readonly never[]> {
  return Promise.resolve(pending).then(
    (first) => finishList(fns, impls, index, first, args, results),
    (error: unknown) => {
      recordFailure(error, impls[index]!);
      throw error;
    },
  );
}

/** The rest of a list call after implementation `index` settled with `first`; sync until the next promise. */
function finishList(
  fns: Fn[],
  impls: HookImpl[],
  index: number,
  first: unknown,
  args: object,
  results: Results | undefined,
): Results | readonly never[] | Promise<Results | readonly never[]> {
  if (first != null) {
    results ??= newResults();
    results.push(first);
    results[SOURCES].push(impls[index]!.pluginName);
  }
  let i = index + 1;
  try {
    for (; i < fns.length; i++) {
      const result = fns[i]!(args);
      if (result != null) {
        if (isPromiseLike(result)) return awaitRestOfList(fns, impls, i, result, args, results);
        results ??= newResults();
        results.push(result);
        results[SOURCES].push(impls[i]!.pluginName);
      }
    }
  } catch (error) {
    recordFailure(error, impls[i]!);
    throw error;
  }
  return results === undefined || results.length === 0 ? NO_RESULTS : results;
}

/**
 * A second promise in the same call: an async function from here, whose `await` per
 * implementation is cheaper than a promise returned from each `then` (which costs two more ticks).
 */
async function awaitRestOfList(
  fns: Fn[],
  impls: HookImpl[],
  index: number,
  pending: PromiseLike<unknown>,
  args: object,
  results: Results | undefined,
): Promise<Results | readonly never[]> {
  let i = index;
  try {
    let result: unknown = await pending;
    for (;;) {
      if (result != null) {
        results ??= newResults();
        results.push(result);
        results[SOURCES].push(impls[i]!.pluginName);
      }
      if (++i >= fns.length) break;
      result = fns[i]!(args);
      if (result != null && isPromiseLike(result)) result = await result;
    }
  } catch (error) {
    recordFailure(error, impls[i]!);
    throw error;
  }
  return results === undefined || results.length === 0 ? NO_RESULTS : results;
}

/** A first-result hook: implementations in order until one returns something. */
export function firstResultLoop(fns: Fn[], impls: HookImpl[]): CompiledCall {
  const count = fns.length;
  return (args) => {
    let i = 0;
    try {
      for (; i < count; i++) {
        const result = fns[i]!(args);
        if (result != null) {
          if (isPromiseLike(result)) return continueFirstAsync(fns, impls, i, result, args);
          return result;
        }
      }
    } catch (error) {
      recordFailure(error, impls[i]!);
      throw error;
    }
    return undefined;
  };
}

/** Continues a first-result call once implementation `index` returned a promise. */
export async function continueFirstAsync(
  fns: Fn[],
  impls: HookImpl[],
  index: number,
  pending: PromiseLike<unknown>,
  args: object,
) {
  let i = index;
  try {
    const first = await pending;
    if (first != null) return first;
    for (i = index + 1; i < fns.length; i++) {
      let result = fns[i]!(args);
      if (result != null && isPromiseLike(result)) result = await result;
      if (result != null) return result;
    }
  } catch (error) {
    recordFailure(error, impls[i]!);
    throw error;
  }
  return undefined;
}

/**
 * Wrappers nest outermost-first around the inner loop; each must call `next()` exactly once. An
 * error from `next()` was already recorded against the inner implementation that threw it, so a
 * wrapper that rethrows it is not blamed (`recordFailure` keeps the first record).
 */
export function wrapped(wrappers: HookImpl[], fns: WrapperFn[], inner: CompiledCall): CompiledCall {
  return (args) => {
    const step = (index: number): unknown => {
      if (index === fns.length) return inner(args);
      const wrapper = wrappers[index]!;
      let called = false;
      const next = () => {
        if (called)
          throw new HookCallError(
            `Wrapper "${wrapper.pluginName}" of hook "${wrapper.hookName}" called next() twice.`,
          );
        called = true;
        return step(index + 1);
      };
      let result: unknown;
      try {
        result = fns[index]!(args, next);
      } catch (error) {
        recordFailure(error, wrapper);
        throw error;
      }
      if (result != null && isPromiseLike(result)) {
        return Promise.resolve(result).then(
          (value) => {
            if (!called) throw blamed(missingNext(wrapper), wrapper);
            return value;
          },
          (error: unknown) => {
            recordFailure(error, wrapper);
            throw error;
          },
        );
      }
      if (!called) throw blamed(missingNext(wrapper), wrapper);
      return result;
    };
    return step(0);
  };
}

function blamed(error: Error, impl: HookImpl): Error {
  recordFailure(error, impl);
  return error;
}

function missingNext(wrapper: HookImpl): HookCallError {
  return new HookCallError(
    `Wrapper "${wrapper.pluginName}" of hook "${wrapper.hookName}" returned without calling next(). ` +
      'A wrapper must call next() exactly once and return (or replace) its result.',
  );
}
