import { performance } from 'node:perf_hooks';
import { isPromiseLike } from '../maybe-promise.ts';
import { HookCallError } from './errors.ts';
import { recordFailure } from './failure-source.ts';
import type { HookImpl } from './implementation.ts';
import type { HookMonitor } from './monitor.ts';
import { callOrder } from './ordering.ts';
import type { HookSpecDefinition } from './spec.ts';

/** A compiled call: one function per hook, rebuilt whenever the hook's implementations change. */
export type CompiledCall = (args: object) => unknown;

/** The shared result of a list hook with nothing to report: no array is allocated per call. */
export const NO_RESULTS: readonly never[] = Object.freeze([]);

const SOURCES = Symbol('sources');

/** A result list that remembers which plugin returned each entry, for error messages. */
type Results = unknown[] & { [SOURCES]: string[] };

function newResults(): Results {
  // Not enumerable, so results still compare equal to plain arrays (assert.deepStrictEqual).
  return Object.defineProperty([], SOURCES, { value: [], enumerable: false }) as unknown as Results;
}

/**
 * The plugin that returned each entry of a list hook's result, in the same order, so a caller
 * that rejects a result can name the plugin. Costs nothing on calls that return no results.
 */
export function resultSources(results: readonly unknown[]): readonly string[] {
  return (results as Partial<Results>)[SOURCES] ?? [];
}

type Fn = (args: object) => unknown;
type WrapperFn = (args: object, next: () => unknown) => unknown;

/**
 * Whether this process may compile code from strings. Not under `node
 * --disallow-code-generation-from-strings` (or a similar policy): hooks then run on the plain
 * loops, which give the same results, only slower with many implementations. Checked once.
 */
const CODE_GENERATION_ALLOWED = (() => {
  try {
    return (new Function('return true') as () => boolean)();
  } catch {
    return false;
  }
})();

let generateCallSites = CODE_GENERATION_ALLOWED;

/** @internal Whether calls compiled now get generated call sites (for tests). */
export function generatingCallSites(): boolean {
  return generateCallSites;
}

/**
 * @internal For tests: `false` makes calls compiled from now on use the plain loops, `true` the
 * generated call sites again where the process allows them. Returns the previous setting.
 */
export function useGeneratedCallSites(enabled: boolean): boolean {
  const previous = generateCallSites;
  generateCallSites = enabled && CODE_GENERATION_ALLOWED;
  return previous;
}

/**
 * Builds the call function for `impls` (in registration order). The common case, plain
 * implementations with no monitors, is a bare loop over the functions that allocates nothing
 * unless an implementation returns a result, and never allocates a promise unless one does.
 * `oneOff` is for a call made once (an extra implementation, a historic replay): it is not worth
 * generating code for.
 */
export function compileCall(
  spec: HookSpecDefinition,
  impls: readonly HookImpl[],
  monitors: readonly HookMonitor[],
  options: { oneOff?: boolean } = {},
): {
  call: CompiledCall;
  order: HookImpl[];
} {
  const { wrappers, plain } = callOrder(impls);
  const order = [...wrappers, ...plain];
  const timing = monitors.filter((monitor) => monitor.implementation !== undefined);
  const plainFns = plain.map((impl) => (timing.length === 0 ? (impl.fn as Fn) : timed(impl, timing)));
  const wrapperFns = wrappers.map((impl) =>
    timing.length === 0 ? (impl.fn as WrapperFn) : (timed(impl, timing) as WrapperFn),
  );

  let call: CompiledCall;
  if (plainFns.length === 0 && wrapperFns.length === 0) {
    call = spec.firstResult ? () => undefined : () => NO_RESULTS;
  } else {
    const generate = generateCallSites && !options.oneOff && plainFns.length <= MAX_UNROLLED;
    const inner = generate
      ? unrolled(plainFns, plain, !!spec.firstResult)
      : spec.firstResult
        ? firstResultLoop(plainFns, plain)
        : listLoop(plainFns, plain);
    call = wrapperFns.length === 0 ? inner : wrapped(wrappers, wrapperFns, inner);
  }
  if (monitors.some((monitor) => monitor.before !== undefined || monitor.after !== undefined)) {
    call = monitored(
      spec.name,
      order.map((impl) => impl.pluginName),
      call,
      monitors,
    );
  }
  return { call, order };
}

/** Above this many implementations the generated code would grow for little gain: use the loop. */
const MAX_UNROLLED = 64;

/**
 * The same loop as `listLoop`/`firstResultLoop`, generated with one call site per implementation
 * (as tapable does). V8 can then inline each implementation, which a shared call site in a loop
 * prevents: about 3.5x faster with 10 no-op implementations (docs/benchmarks.md). The generated
 * code contains no user input, only indexes. `i` tracks the implementation being called, so that
 * one catch can name it (`hookFailureSource`) without a try per call.
 */
function unrolled(fns: Fn[], impls: HookImpl[], firstResult: boolean): CompiledCall {
  const declarations = fns.map((_, i) => `const f${i} = fns[${i}];`).join('\n');
  const steps = fns
    .map((_, i) =>
      firstResult
        ? `i = ${i}; r = f${i}(a); if (r != null) return typeof r.then === 'function' ? continueFirst(fns, impls, ${i}, r, a) : r;`
        : `i = ${i}; r = f${i}(a); if (r != null) { res ??= newResults(); if (typeof r.then === 'function') return continueList(fns, impls, ${i}, r, a, res); res.push(r); res[SOURCES].push(impls[${i}].pluginName); }`,
    )
    .join('\n');
  const ending = firstResult ? 'return undefined;' : 'return res ?? none;';
  const factory = new Function(
    'fns',
    'impls',
    'continueList',
    'continueFirst',
    'none',
    'newResults',
    'SOURCES',
    'recordFailure',
    `${declarations}\nreturn function call(a) {\nlet r, res, i = 0;\ntry {\n${steps}\n} catch (error) {\nrecordFailure(error, impls[i]);\nthrow error;\n}\n${ending}\n};`,
  ) as (
    fns: Fn[],
    impls: HookImpl[],
    list: typeof continueListAsync,
    first: typeof continueFirstAsync,
    none: readonly never[],
    create: typeof newResults,
    sources: typeof SOURCES,
    record: typeof recordFailure,
  ) => CompiledCall;
  return factory(
    fns,
    impls,
    continueListAsync,
    continueFirstAsync,
    NO_RESULTS,
    newResults,
    SOURCES,
    recordFailure,
  );
}

/**
 * A list hook: every implementation in order, collecting the non-empty results. One catch around
 * the loop names the implementation that threw (`hookFailureSource`).
 */
function listLoop(fns: Fn[], impls: HookImpl[]): CompiledCall {
  const count = fns.length;
  return (args) => {
    let results: Results | undefined;
    let i = 0;
    try {
      for (; i < count; i++) {
        const result = fns[i]!(args);
        if (result != null) {
          results ??= newResults();
          if (isPromiseLike(result)) return continueListAsync(fns, impls, i, result, args, results);
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

/** Continues a list call once implementation `index` returned a promise; later ones wait for it. */
async function continueListAsync(
  fns: Fn[],
  impls: HookImpl[],
  index: number,
  pending: PromiseLike<unknown>,
  args: object,
  results: Results,
) {
  let i = index;
  try {
    const first = await pending;
    if (first != null) {
      results.push(first);
      results[SOURCES].push(impls[index]!.pluginName);
    }
    for (i = index + 1; i < fns.length; i++) {
      let result = fns[i]!(args);
      if (result != null && isPromiseLike(result)) result = await result;
      if (result != null) {
        results.push(result);
        results[SOURCES].push(impls[i]!.pluginName);
      }
    }
  } catch (error) {
    recordFailure(error, impls[i]!);
    throw error;
  }
  return results.length === 0 ? NO_RESULTS : results;
}

/** A first-result hook: implementations in order until one returns something. */
function firstResultLoop(fns: Fn[], impls: HookImpl[]): CompiledCall {
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
async function continueFirstAsync(
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
function wrapped(wrappers: HookImpl[], fns: WrapperFn[], inner: CompiledCall): CompiledCall {
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

function monitored(
  hookName: string,
  pluginNames: string[],
  call: CompiledCall,
  monitors: readonly HookMonitor[],
): CompiledCall {
  return (args) => {
    const start = { hookName, pluginNames, args };
    for (const monitor of monitors) monitor.before?.(start);
    const began = performance.now();
    const finish = (failed: boolean, outcome: unknown) => {
      const end = {
        ...start,
        durationMs: performance.now() - began,
        failed,
        ...(failed ? { error: outcome } : { result: outcome }),
      };
      for (const monitor of monitors) monitor.after?.(end);
    };
    let result: unknown;
    try {
      result = call(args);
    } catch (error) {
      finish(true, error);
      throw error;
    }
    if (result != null && isPromiseLike(result)) {
      return Promise.resolve(result).then(
        (value) => {
          finish(false, value);
          return value;
        },
        (error: unknown) => {
          finish(true, error);
          throw error;
        },
      );
    }
    finish(false, result);
    return result;
  };
}

function timed(impl: HookImpl, monitors: readonly HookMonitor[]): Fn {
  const report = (began: number, failed: boolean) => {
    const event = {
      hookName: impl.hookName,
      pluginName: impl.pluginName,
      wrapper: impl.wrapper,
      durationMs: performance.now() - began,
      failed,
    };
    for (const monitor of monitors) monitor.implementation?.(event);
  };
  return (args: object, next?: () => unknown) => {
    const began = performance.now();
    let result: unknown;
    try {
      result = impl.fn(args, next);
    } catch (error) {
      report(began, true);
      throw error;
    }
    if (result != null && isPromiseLike(result)) {
      return Promise.resolve(result).then(
        (value) => {
          report(began, false);
          return value;
        },
        (error: unknown) => {
          report(began, true);
          throw error;
        },
      );
    }
    report(began, false);
    return result;
  };
}
