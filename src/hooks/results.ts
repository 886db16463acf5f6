/**
 * What a list hook returns: its implementations' non-empty results, in call order. The list also
 * remembers, out of sight, which plugin returned each entry, so a caller that rejects a result can
 * name the plugin.
 */
/**
 * The shared result of a list hook with nothing to report: no array is allocated per call. Its own
 * hidden `then: undefined` is for async calls: a promise resolved with an object first looks up
 * the object's `then`, and V8 walks an array's prototype chain for it without a cache (about 300
 * instructions per call, a fifth of an async call's cost; docs/benchmarks.md, "Async hook path").
 */
export const NO_RESULTS: readonly never[] = Object.freeze(
  Object.defineProperty([], 'then', { value: undefined, enumerable: false }),
);

export const SOURCES = Symbol('sources');

/** A result list that remembers which plugin returned each entry, for error messages. */
export type Results = unknown[] & { [SOURCES]: string[] };

export function newResults(): Results {
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
