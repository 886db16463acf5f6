import type { MaybePromise } from '../maybe-promise.ts';
import { isPromiseLike } from '../maybe-promise.ts';
import type { CompiledCall } from './call-loops.ts';
import { compileCall } from './compile-call.ts';
import { HookCallError } from './errors.ts';
import type { HookImpl } from './implementation.ts';
import type { HookMonitor } from './monitor.ts';
import type { HookSpecDefinition } from './spec.ts';

/** One implementation as `sluice info` and tracing show it, in call order. */
export interface ImplementationInfo {
  readonly pluginName: string;
  readonly wrapper: boolean;
  readonly tryfirst: boolean;
  readonly trylast: boolean;
  readonly before: readonly string[];
  readonly after: readonly string[];
}

interface HistoricCall {
  readonly args: object;
  readonly onResult: ((result: unknown) => void) | undefined;
  /** The plugins left out of the call, when a subset caller made it: they are left out of its replays too. */
  readonly excluded: ReadonlySet<string> | undefined;
}

/** Reads a caller's history, which is private: subset callers record into their source's. */
let historyOf: (caller: HookCaller) => HistoricCall[] | undefined;

/**
 * Calls one hook. `manager.hook.beforeNodeRun.call({...})` is the hot path: a property read and
 * one precompiled function. Results: a list of non-empty results in call order, or for a
 * first-result hook the first non-empty one. A promise only when an implementation returned one.
 */
export class HookCaller<Args extends object = object, CallResult = unknown> {
  readonly name: string;
  readonly spec: HookSpecDefinition;
  /** Calls the hook. Reassigned on every change to its implementations; never allocates when idle. */
  call: (args: Args) => MaybePromise<CallResult>;
  /**
   * False while the hook has no implementations and no monitors: hot callers skip building the
   * arguments object then (`if (caller.active) caller.call({...})`).
   */
  active = false;
  #impls: HookImpl[] = [];
  #order: HookImpl[] = [];
  #monitors: readonly HookMonitor[] = [];
  /** Shared by the hook's caller and all its subset callers, so that every historic call is replayed. */
  readonly #history: HistoricCall[] | undefined;
  readonly #excluded: ReadonlySet<string> | undefined;
  readonly #onAsyncReplay: (pending: Promise<unknown>) => void;

  static {
    historyOf = (caller) => caller.#history;
  }

  /** @internal Built by the manager. */
  constructor(
    spec: HookSpecDefinition,
    onAsyncReplay: (pending: Promise<unknown>) => void,
    subsetOf?: { source: HookCaller; excluded: ReadonlySet<string> },
  ) {
    this.name = spec.name;
    this.spec = spec;
    this.#history = subsetOf === undefined ? (spec.historic ? [] : undefined) : historyOf(subsetOf.source);
    this.#excluded = subsetOf?.excluded;
    this.#onAsyncReplay = onAsyncReplay;
    this.call = this.#compile();
  }

  /**
   * Calls a historic hook and remembers the call, so that plugins registered later receive it
   * too, at registration. `onResult` gets each non-empty result, now and on every replay.
   */
  callHistoric(args: Args, onResult?: (result: unknown) => void): MaybePromise<CallResult> {
    if (this.#history === undefined) {
      throw new HookCallError(`Hook "${this.name}" is not historic; use call().`);
    }
    this.#history.push({ args, onResult, excluded: this.#excluded });
    const result = this.#callCompiled(args);
    if (onResult === undefined) return result;
    const deliver = (value: unknown) => {
      for (const item of Array.isArray(value) ? value : [value]) if (item != null) onResult(item);
      return value as CallResult;
    };
    return isPromiseLike(result) ? Promise.resolve(result).then(deliver) : deliver(result);
  }

  /**
   * Calls the hook with extra plain implementations added for this call only, as if registered
   * after every plugin (so they run before the other plain ones, after `tryfirst` ones).
   */
  callExtra(extra: readonly ((args: Args) => unknown)[], args: Args): MaybePromise<CallResult> {
    if (this.#history !== undefined) {
      throw new HookCallError(
        `Hook "${this.name}" is historic: extra implementations would not be replayed; use callHistoric().`,
      );
    }
    let sequence = Number.MAX_SAFE_INTEGER - extra.length;
    const extraImpls = extra.map((fn, index): HookImpl => ({
      pluginName: `<extra ${index}>`,
      plugin: fn,
      hookName: this.name,
      fn: fn as HookImpl['fn'],
      wrapper: false,
      tryfirst: false,
      trylast: false,
      before: [],
      after: [],
      sequence: sequence++,
    }));
    return compileCall(this.spec, [...this.#impls, ...extraImpls], this.#monitors, { oneOff: true }).call(
      args,
    ) as MaybePromise<CallResult>;
  }

  /** The implementations in the order they are called (wrappers first, outermost first). */
  implementations(): ImplementationInfo[] {
    return this.#order.map(({ pluginName, wrapper, tryfirst, trylast, before, after }) => ({
      pluginName,
      wrapper,
      tryfirst,
      trylast,
      before,
      after,
    }));
  }

  /** @internal */
  get impls(): readonly HookImpl[] {
    return this.#impls;
  }

  /** @internal Replaces the implementations; throws (leaving the old ones) when the order is impossible. */
  setImpls(impls: HookImpl[], monitors: readonly HookMonitor[]): void {
    const previous = [this.#impls, this.#monitors] as const;
    this.#impls = impls;
    this.#monitors = monitors;
    try {
      this.call = this.#compile();
    } catch (error) {
      [this.#impls, this.#monitors] = previous;
      throw error;
    }
  }

  /**
   * @internal Replays the remembered historic calls to one newly registered implementation,
   * except those made through a subset caller that leaves its plugin out.
   */
  replayHistory(impl: HookImpl): void {
    if (this.#history === undefined || this.#history.length === 0) return;
    for (const { args, onResult, excluded } of this.#history) {
      if (excluded?.has(impl.pluginName)) continue;
      const result = compileCall(this.spec, [impl], this.#monitors, { oneOff: true }).call(args);
      if (isPromiseLike(result)) {
        this.#onAsyncReplay(
          Promise.resolve(result).then((value) => {
            if (onResult !== undefined) for (const item of asList(value)) onResult(item);
          }),
        );
      } else if (onResult !== undefined) {
        for (const item of asList(result)) onResult(item);
      }
    }
  }

  #callCompiled(args: Args): MaybePromise<CallResult> {
    return this.#compiledCall(args) as MaybePromise<CallResult>;
  }

  #compiledCall: CompiledCall = () => undefined;

  #compile(): (args: Args) => MaybePromise<CallResult> {
    const { call, order } = compileCall(this.spec, this.#impls, this.#monitors);
    this.#order = order;
    this.active = this.#impls.length > 0 || this.#monitors.length > 0;
    this.#compiledCall = call;
    if (this.#history === undefined) return call as (args: Args) => MaybePromise<CallResult>;
    const name = this.name;
    return () => {
      throw new HookCallError(
        `Hook "${name}" is historic: call it with callHistoric() so late plugins get it too.`,
      );
    };
  }
}

function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.filter((item) => item != null);
  return value == null ? [] : [value];
}

/**
 * A caller for one hook that leaves out some plugins (`manager.subsetCaller`). The manager
 * refreshes it whenever plugins or monitors change.
 */
export class SubsetCaller<Args extends object = object, CallResult = unknown> extends HookCaller<
  Args,
  CallResult
> {
  readonly #source: HookCaller;
  readonly #excluded: ReadonlySet<string>;

  /** @internal Built by the manager. */
  constructor(
    source: HookCaller,
    excluded: ReadonlySet<string>,
    onAsyncReplay: (pending: Promise<unknown>) => void,
  ) {
    super(source.spec, onAsyncReplay, { source, excluded });
    this.#source = source;
    this.#excluded = excluded;
  }

  /** @internal */
  refresh(monitors: readonly HookMonitor[]): void {
    this.setImpls(
      this.#source.impls.filter((impl) => !this.#excluded.has(impl.pluginName)),
      monitors,
    );
  }
}
