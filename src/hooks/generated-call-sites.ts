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
 */
export function generatedLoop(fns: Fn[], impls: HookImpl[], firstResult: boolean): CompiledCall {
  const declarations = fns.map((_, i) => `const f${i} = fns[${i}];`).join('\n');
  const steps = fns
    .map((_, i) =>
      firstResult
        ? `i = ${i}; r = f${i}(a); if (r != null) return typeof r.then === 'function' ? continueFirst(fns, impls, ${i}, r, a) : r;`
        : `i = ${i}; r = f${i}(a); if (r != null) { if (typeof r.then === 'function') return continueList(fns, impls, ${i}, r, a, res, shape); res ??= newResults(); res.push(r); res[SOURCES].push(impls[${i}].pluginName); }`,
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
    'shape',
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
