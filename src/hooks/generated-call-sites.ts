/**
 * An optional speed-up of call-loops.ts: the same loops generated with one call site per
 * implementation (as tapable does). V8 can then inline each implementation, which a shared call
 * site in a loop prevents: about 3.5x faster with 10 no-op implementations (docs/benchmarks.md).
 * Worth it for a hook's own calls, made many times; not for calls made once, nor where the
 * process forbids code generation from strings.
 */
import type { CompiledCall, Fn } from './call-loops.ts';
import type { AsyncShape } from './call-loops.ts';
import { continueFirstAsync, continueListAsync, newAsyncShape } from './call-loops.ts';
import { recordFailure } from './failure-source.ts';
import type { HookImpl } from './implementation.ts';
import { NO_RESULTS, SOURCES, newResults } from './results.ts';

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

/** Above this many implementations the generated code would grow for little gain: use the loop. */
export const MAX_GENERATED = 64;

/** Whether to generate the call for `count` plain implementations called many times. */
export function shouldGenerate(count: number): boolean {
  return generateCallSites && count > 0 && count <= MAX_GENERATED;
}

/**
 * `listLoop`/`firstResultLoop` unrolled, with the same results, async continuations and failure
 * naming. The generated code contains no user input, only indexes. `i` tracks the implementation
 * being called, so that one catch can name it (`hookFailureSource`) without a try per call.
 *
 * After a promise, `resume(k, args, results, value)` runs the implementations after `k`, also
 * with one call site each (a `switch` entered at `k`). A call that meets one promise allocates one
 * function for it: the promise's `then` gets `resume` bound to where the call is, and a rejection
 * handler made once per implementation. Bound rather than a closure: a new closure's first call
 * goes through V8's lazy-compile stub (about 60 instructions), a bound function's does not. A
 * call that meets a second promise hands over to `continueListAsync`/`continueFirstAsync`, which
 * settle one promise of their own at the end (cheaper than a chain of `then`s returning
 * promises), and the hook's next calls start there (docs/benchmarks.md, "Async hook path").
 */
export function generatedLoop(fns: Fn[], impls: HookImpl[], firstResult: boolean): CompiledCall {
  const count = fns.length;
  const indexes = fns.map((_, i) => i);
  const declarations = indexes
    .map((i) => `const f${i} = fns[${i}], e${i} = (e) => { recordFailure(e, impls[${i}]); throw e; };`)
    .join('\n');
  // What implementation `i` returned, `v`, not a promise: the answer, or one more result.
  const keep = (i: number) =>
    firstResult
      ? `return v;`
      : `res ??= newResults(); res.push(v); res[SOURCES].push(impls[${i}].pluginName);`;
  // A native promise is recognised without looking up `then`.
  const isThenable = `(v instanceof Promise || typeof v.then === 'function')`;
  const steps = indexes
    .map(
      (i) =>
        `i = ${i}; v = f${i}(a); if (v != null) { if (${isThenable}) return wait(${i}, v, a, res, e${i}); ${keep(i)} }`,
    )
    .join('\n');
  const resumeCases = indexes
    .map((k) => {
      const next =
        k + 1 < count
          ? `\ni = ${k + 1}; v = f${k + 1}(a); if (v != null && ${isThenable}) return several(${k + 1}, v, a, res);`
          : '';
      return `case ${k}: if (v != null) { ${keep(k)} }${next}`;
    })
    .join('\n');
  const ending = firstResult ? 'return undefined;' : 'return res ?? none;';
  const handOver = firstResult
    ? 'continueFirst(fns, impls, k, p, a, shape)'
    : 'continueList(fns, impls, k, p, a, res, shape)';
  const source = `${declarations}
function wait(k, p, a, res, rejected) {
  if (shape.severalPromises) return ${handOver};
  return (p instanceof Promise ? p : Promise.resolve(p)).then(resume.bind(undefined, k, a, res), rejected);
}
function several(k, p, a, res) {
  shape.severalPromises = true;
  return ${handOver};
}
function resume(k, a, res, v) {
  let i = k;
  try {
    switch (k) {
${resumeCases}
    }
  } catch (error) {
    recordFailure(error, impls[i]);
    throw error;
  }
  ${ending}
}
return function call(a) {
let v, res, i = 0;
try {
${steps}
} catch (error) {
recordFailure(error, impls[i]);
throw error;
}
${ending}
};`;
  const factory = new Function(
    'fns',
    'impls',
    'continueList',
    'continueFirst',
    'none',
    'newResults',
    'SOURCES',
    'recordFailure',
    'shape',
    source,
  ) as (
    fns: Fn[],
    impls: HookImpl[],
    list: typeof continueListAsync,
    first: typeof continueFirstAsync,
    none: readonly never[],
    create: typeof newResults,
    sources: typeof SOURCES,
    record: typeof recordFailure,
    shape: AsyncShape,
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
    newAsyncShape(),
  );
}
