import type { MaybePromise } from '../maybe-promise.ts';

/** The hook names of a spec interface. */
export type HookName<Specs> = Extract<keyof Specs, string>;

/** The one arguments object a hook receives. */
export type HookArgs<Specs, K extends keyof Specs> = Specs[K] extends (args: infer A) => unknown ? A : never;

/** What one implementation may return (besides nothing). */
export type HookReturn<Specs, K extends keyof Specs> = Specs[K] extends (...args: never[]) => infer R
  ? R
  : never;

/**
 * What calling a hook gives back: the list of non-empty results in call order, or for a
 * first-result hook (listed in `FirstResultNames`) the first non-empty result or `undefined`.
 */
export type HookCallResult<
  Specs,
  K extends keyof Specs,
  FirstResultNames = never,
> = K extends FirstResultNames
  ? Exclude<HookReturn<Specs, K>, void> | undefined
  : readonly Exclude<HookReturn<Specs, K>, void | undefined | null>[];

/** Where an implementation goes in the call order. */
export interface ImplementationOrder {
  /** Call this implementation before the non-`tryfirst` ones (pluggy's `tryfirst`). */
  tryfirst?: boolean;
  /** Call this implementation after the non-`trylast` ones (pluggy's `trylast`). */
  trylast?: boolean;
  /** Call this implementation before the named plugins' implementations of the same hook. */
  before?: string | readonly string[];
  /** Call this implementation after the named plugins' implementations of the same hook. */
  after?: string | readonly string[];
}

/** A plain implementation: receives the arguments object, returns a result, nothing, or a promise of either. */
export type HookHandler<Specs, K extends keyof Specs> = (
  args: HookArgs<Specs, K>,
) => MaybePromise<HookReturn<Specs, K> | void | undefined>;

/**
 * A wrapper runs around every non-wrapper implementation. It calls `next()` exactly once: `next()`
 * runs the inner implementations and returns their result (a promise when any of them is async),
 * or throws their error. Whatever the wrapper returns becomes the call's result, and whatever it
 * throws becomes the call's error.
 */
export type WrapperHandler<Specs, K extends keyof Specs, FirstResultNames = never> = (
  args: HookArgs<Specs, K>,
  next: () => MaybePromise<HookCallResult<Specs, K, FirstResultNames>>,
) => MaybePromise<HookCallResult<Specs, K, FirstResultNames>>;

/**
 * The handler of the object form. For a wrapper (`wrapper: true`) `next` runs the inner
 * implementations; a plain handler is given no `next` and ignores the parameter. (One signature
 * for both keeps TypeScript's inference of the arguments working in the object form.)
 */
export type ObjectFormHandler<Specs, K extends keyof Specs, FirstResultNames = never> = (
  args: HookArgs<Specs, K>,
  next: () => MaybePromise<HookCallResult<Specs, K, FirstResultNames>>,
) => MaybePromise<HookReturn<Specs, K> | HookCallResult<Specs, K, FirstResultNames> | void | undefined>;

/**
 * One hook implementation: a bare function, or the object form with ordering options
 * (`{ tryfirst: true, handler }`), or a wrapper (`{ wrapper: true, handler(args, next) }`).
 */
export type HookImplementation<Specs, K extends keyof Specs, FirstResultNames = never> =
  | HookHandler<Specs, K>
  | (ImplementationOrder & { wrapper?: boolean; handler: ObjectFormHandler<Specs, K, FirstResultNames> });

/** A plugin: an optional name plus any subset of the hooks. Plain objects and class instances both work. */
export type PluginOf<Specs, FirstResultNames = never> = {
  /** Unique among registered plugins; used by ordering, blocking, tracing and errors. */
  name?: string;
} & { [K in HookName<Specs>]?: HookImplementation<Specs, K, FirstResultNames> };

/**
 * Rejects, at compile time, extra keys that look like hooks (`before…`, `after…`, `on…`) but
 * aren't in the spec. Plain helper methods and state with other names stay allowed.
 */
export type NoUnknownHooks<T, Specs> = {
  [K in keyof T]: K extends keyof Specs | 'name'
    ? T[K]
    : K extends `before${Capitalize<string>}` | `after${Capitalize<string>}` | `on${Capitalize<string>}`
      ? never
      : T[K];
};
