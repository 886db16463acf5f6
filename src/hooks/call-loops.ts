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
  const shape = newAsyncShape();
  return (args) => {
    let results: Results | undefined;
    let i = 0;
    try {
      for (; i < count; i++) {
        const result = fns[i]!(args);
        if (result != null) {
          if (isPromiseLike(result)) return continueListAsync(fns, impls, i, result, args, results, shape);
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
 * What a compiled call remembers of its last async call, to pick the cheaper continuation next
 * time: with one promise in a call, the call's promise is that promise's `then`; with several, one
 * promise of its own settled at the end (a `then` callback returning a promise costs two ticks).
 */
export interface AsyncShape {
  severalPromises: boolean;
}

export function newAsyncShape(): AsyncShape {
  return { severalPromises: false };
}

/**
 * Continues a list call once implementation `index` returned a promise; later ones wait for it.
 * `results` holds what the synchronous implementations before it returned, if anything: it is
 * created only when there is a result to keep, since async implementations usually return none.
 * No async function and no closure per step: one state object per call, whose two callbacks are
 * handed to each pending promise's `then` (docs/benchmarks.md, "Async hook path").
 */
export function continueListAsync(
  fns: Fn[],
  impls: HookImpl[],
  index: number,
  pending: PromiseLike<unknown>,
  args: object,
  results: Results | undefined,
  shape: AsyncShape,
): Promise<ListResult> {
  const run = new ListContinuation(fns, impls, index, args, results, shape);
  if (!shape.severalPromises) return adopt(pending).then(run.onValue, run.onError) as Promise<ListResult>;
  const own = run.ownPromise() as Promise<ListResult>;
  run.wait(pending);
  return own;
}

type ListResult = Results | readonly never[];

/** The state of one list call after its first promise: where it is, what it has, how it ends. */
class ListContinuation {
  /** The implementation whose promise is pending. */
  index: number;
  /** Set once the call has a promise of its own; until then the first `then` carries the outcome. */
  resolve: ((outcome: unknown) => void) | undefined = undefined;
  reject: ((error: unknown) => void) | undefined = undefined;
  readonly onValue = (value: unknown): unknown => this.advance(value);
  readonly onError = (error: unknown): void => this.fail(error, this.impls[this.index]!);

  constructor(
    readonly fns: Fn[],
    readonly impls: HookImpl[],
    index: number,
    readonly args: object,
    public results: Results | undefined,
    readonly shape: AsyncShape,
  ) {
    this.index = index;
  }

  ownPromise(): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Continues once `pending` settles; a foreign thenable is adopted first, as `await` would. */
  wait(pending: PromiseLike<unknown>): void {
    adopt(pending).then(this.onValue, this.onError);
  }

  /**
   * Keeps the pending implementation's value, then runs the next ones synchronously until a
   * promise. Returns the outcome while the call has no promise of its own.
   */
  advance(value: unknown): unknown {
    const { fns, impls, args } = this;
    let i = this.index;
    let results = this.results;
    try {
      for (;;) {
        if (value != null) {
          results ??= newResults();
          results.push(value);
          results[SOURCES].push(impls[i]!.pluginName);
        }
        if (++i >= fns.length) break;
        value = fns[i]!(args);
        if (value != null && isPromiseLike(value)) {
          this.results = results;
          return this.waitAgain(i, value);
        }
      }
    } catch (error) {
      return this.fail(error, impls[i]!);
    }
    return this.end(results === undefined || results.length === 0 ? NO_RESULTS : results);
  }

  /** Implementation `index` returned a promise too: from now on the call has a promise of its own. */
  protected waitAgain(index: number, pending: PromiseLike<unknown>): Promise<unknown> | undefined {
    this.index = index;
    this.shape.severalPromises = true;
    const own = this.resolve === undefined ? this.ownPromise() : undefined;
    this.wait(pending);
    return own;
  }

  /** Settles the call with `outcome`, or returns it while the first `then` carries the outcome. */
  protected end(outcome: unknown): unknown {
    if (this.resolve === undefined) return outcome;
    this.resolve(outcome);
    return undefined;
  }

  /** Names `impl` as the failure's source, then rejects the call (or throws while `then` carries it). */
  protected fail(error: unknown, impl: HookImpl): undefined {
    recordFailure(error, impl);
    if (this.reject === undefined) throw error;
    this.reject(error);
    return undefined;
  }
}

/** A native promise as it is; a foreign thenable adopted first, as `await` would. */
function adopt(pending: PromiseLike<unknown>): Promise<unknown> {
  return pending instanceof Promise ? pending : Promise.resolve(pending);
}

/** A first-result hook: implementations in order until one returns something. */
export function firstResultLoop(fns: Fn[], impls: HookImpl[]): CompiledCall {
  const count = fns.length;
  const shape = newAsyncShape();
  return (args) => {
    let i = 0;
    try {
      for (; i < count; i++) {
        const result = fns[i]!(args);
        if (result != null) {
          if (isPromiseLike(result)) return continueFirstAsync(fns, impls, i, result, args, shape);
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

/**
 * Continues a first-result call once implementation `index` returned a promise, the way
 * `continueListAsync` continues a list call: no async function, one state object per call.
 */
export function continueFirstAsync(
  fns: Fn[],
  impls: HookImpl[],
  index: number,
  pending: PromiseLike<unknown>,
  args: object,
  shape: AsyncShape,
): Promise<unknown> {
  const run = new FirstResultContinuation(fns, impls, index, args, undefined, shape);
  if (!shape.severalPromises) return adopt(pending).then(run.onValue, run.onError);
  const own = run.ownPromise();
  run.wait(pending);
  return own;
}

/** A list call's continuation that ends at the first non-empty value instead of collecting them. */
class FirstResultContinuation extends ListContinuation {
  override advance(value: unknown): unknown {
    const { fns, impls, args } = this;
    let i = this.index;
    try {
      while (value == null) {
        if (++i >= fns.length) break;
        value = fns[i]!(args);
        if (value != null && isPromiseLike(value)) return this.waitAgain(i, value);
      }
    } catch (error) {
      return this.fail(error, impls[i]!);
    }
    return this.end(value ?? undefined);
  }
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
