import type { HookImpl } from './implementation.ts';

/** The plugin implementation an error escaped from, as `hookFailureSource` reports it. */
export interface HookFailureSource {
  readonly pluginName: string;
  readonly hookName: string;
}

/** Error → the implementation that threw it. Weak, so remembering costs nothing once the error is gone. */
const sources = new WeakMap<object, HookImpl>();

/**
 * Which plugin's implementation of which hook threw `error` (or rejected with it), so that a
 * caller can tell a plugin's failure from its own: "plugin X's afterNodeRun failed: ...". It is
 * the innermost implementation: a wrapper that rethrows what its `next()` threw, or a plugin that
 * rethrows an error escaping a hook it called, does not take the blame. A wrapper that throws an
 * error of its own, or breaks the `next()` rule, is blamed.
 *
 * `undefined` for errors no implementation threw, and for thrown values that are not objects
 * (`throw 'text'`): those can't be remembered without wrapping them, which would change what the
 * caller catches. Throw `Error`s from hooks to be named.
 */
export function hookFailureSource(error: unknown): HookFailureSource | undefined {
  if (!isKey(error)) return undefined;
  const impl = sources.get(error);
  return impl === undefined ? undefined : { pluginName: impl.pluginName, hookName: impl.hookName };
}

/**
 * @internal Records `impl` as the source of `error` unless an implementation deeper in the same
 * call already was (it recorded first, as the error went up the stack).
 */
export function recordFailure(error: unknown, impl: HookImpl): void {
  if (isKey(error) && !sources.has(error)) sources.set(error, impl);
}

function isKey(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}
