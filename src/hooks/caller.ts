import { performance } from 'node:perf_hooks';
import { isPromiseLike } from '../maybe-promise.ts';
import { HookCallError } from './errors.ts';
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
 * Builds the call function for `impls` (in registration order). The common case, plain
 * implementations with no monitors, is a bare loop over bound functions that allocates nothing
 * unless an implementation returns a result, and never allocates a promise unless one does.
 */
export function compileCall(
  spec: HookSpecDefinition,
  impls: readonly HookImpl[],
  monitors: readonly HookMonitor[],
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
    const names = plain.map((impl) => impl.pluginName);
    const inner =
      plainFns.length > MAX_UNROLLED
        ? spec.firstResult
          ? firstResultLoop(plainFns)
          : listLoop(plainFns, names)
        : unrolled(plainFns, names, !!spec.firstResult);
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
 * code contains no user input, only indexes.
 */
function unrolled(fns: Fn[], names: string[], firstResult: boolean): CompiledCall {
  const declarations = fns.map((_, i) => `const f${i} = fns[${i}];`).join('\n');
  const steps = fns
    .map((_, i) =>
      firstResult
        ? `r = f${i}(a); if (r != null) return typeof r.then === 'function' ? continueFirst(fns, ${i + 1}, r, a) : r;`
        : `r = f${i}(a); if (r != null) { res ??= newResults(); if (typeof r.then === 'function') return continueList(fns, names, ${i}, r, a, res); res.push(r); res[SOURCES].push(names[${i}]); }`,
    )
    .join('\n');
  const ending = firstResult ? 'return undefined;' : 'return res ?? none;';
  const factory = new Function(
    'fns',
    'names',
    'continueList',
    'continueFirst',
    'none',
    'newResults',
    'SOURCES',
    `${declarations}\nreturn function call(a) {\nlet r, res;\n${steps}\n${ending}\n};`,
  ) as (
    fns: Fn[],
    names: string[],
    list: typeof continueListAsync,
    first: typeof continueFirstAsync,
    none: readonly never[],
    create: typeof newResults,
    sources: typeof SOURCES,
  ) => CompiledCall;
  return factory(fns, names, continueListAsync, continueFirstAsync, NO_RESULTS, newResults, SOURCES);
}

function listLoop(fns: Fn[], names: string[]): CompiledCall {
  const count = fns.length;
  return (args) => {
    let results: Results | undefined;
    for (let i = 0; i < count; i++) {
      const result = fns[i]!(args);
      if (result != null) {
        results ??= newResults();
        if (isPromiseLike(result)) return continueListAsync(fns, names, i, result, args, results);
        results.push(result);
        results[SOURCES].push(names[i]!);
      }
    }
    return results ?? NO_RESULTS;
  };
}

/** Continues a list call once implementation `index` returned a promise; later ones wait for it. */
async function continueListAsync(
  fns: Fn[],
  names: string[],
  index: number,
  pending: PromiseLike<unknown>,
  args: object,
  results: Results,
) {
  const first = await pending;
  if (first != null) {
    results.push(first);
    results[SOURCES].push(names[index]!);
  }
  for (let i = index + 1; i < fns.length; i++) {
    let result = fns[i]!(args);
    if (result != null && isPromiseLike(result)) result = await result;
    if (result != null) {
      results.push(result);
      results[SOURCES].push(names[i]!);
    }
  }
  return results.length === 0 ? NO_RESULTS : results;
}

function firstResultLoop(fns: Fn[]): CompiledCall {
  const count = fns.length;
  return (args) => {
    for (let i = 0; i < count; i++) {
      const result = fns[i]!(args);
      if (result != null) {
        if (isPromiseLike(result)) return continueFirstAsync(fns, i + 1, result, args);
        return result;
      }
    }
    return undefined;
  };
}

async function continueFirstAsync(fns: Fn[], start: number, pending: PromiseLike<unknown>, args: object) {
  const first = await pending;
  if (first != null) return first;
  for (let i = start; i < fns.length; i++) {
    let result = fns[i]!(args);
    if (result != null && isPromiseLike(result)) result = await result;
    if (result != null) return result;
  }
  return undefined;
}

/** Wrappers nest outermost-first around the inner loop; each must call `next()` exactly once. */
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
      const result = fns[index]!(args, next);
      if (result != null && isPromiseLike(result)) {
        return Promise.resolve(result).then((value) => {
          if (!called) throw missingNext(wrapper);
          return value;
        });
      }
      if (!called) throw missingNext(wrapper);
      return result;
    };
    return step(0);
  };
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
