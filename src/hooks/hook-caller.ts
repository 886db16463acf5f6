import type { MaybePromise } from '../maybe-promise.ts';
import { isPromiseLike } from '../maybe-promise.ts';
import type { CompiledCall } from './call-loops.ts';
import { compileCall } from './compile-call.ts';
import { HookCallError } from './errors.ts';
import type { HookImpl } from './implementation.ts';
import type { HookMonitor } from './monitor.ts';
import type { HookSpecDefinition } from './spec-definition.ts';

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

/** Any hook's caller, whatever its argument and result types. */
export type AnyHookCaller = HookCaller<any, any>;

/** What a subset caller leaves out of which caller (`manager.subsetCaller`). */
interface Subset {
  readonly source: AnyHookCaller;
  readonly excluded: ReadonlySet<string>;
}

/**
 * The manager's hold on its callers: changing their implementations and replaying history. Not
 * part of the public API (the package exports `HookCaller` only), so users can't reach it.
 */
export interface CallerControl {
  /** The caller's implementations, in registration order. */
  impls(caller: AnyHookCaller): readonly HookImpl[];
  /** Replaces the implementations; throws (leaving the old ones) when the order is impossible. */
  setImpls(caller: AnyHookCaller, impls: HookImpl[], monitors: readonly HookMonitor[]): void;
  /** Rebuilds a subset caller from its source's current implementations. */
  refreshSubset(subset: AnyHookCaller, monitors: readonly HookMonitor[]): void;
  /** Replays the remembered historic calls to one newly registered implementation. */
  replayHistory(caller: AnyHookCaller, impl: HookImpl): void;
  /** The function `call` currently runs (tests compare it to prove monitors cost nothing once removed). */
  compiled(caller: AnyHookCaller): CompiledCall;
}

export let callerControl: CallerControl;

/**
 * Calls one hook. `manager.hook.beforeNodeRun.call({...})` is the hot path: it runs the function
 * compiled for the hook's current implementations (compile-call.ts), rebuilt on every change. Results: a list of non-empty results in call order, or for a
 * first-result hook the first non-empty one. A promise only when an implementation returned one.
 */
export class HookCaller<Args extends object = object, CallResult = unknown> {
  readonly name: string;
  readonly spec: HookSpecDefinition;
  /**
   * Calls the hook with the implementations registered at the time of the call, so it can be
   * kept (`const call = manager.hook.h.call`) across registrations.
   */
  readonly call: (args: Args) => MaybePromise<CallResult>;
  #impls: HookImpl[] = [];
  #order: HookImpl[] = [];
  #monitors: readonly HookMonitor[] = [];
  /** The current implementations, compiled; `call` for a historic hook refuses instead. */
  #current: CompiledCall = () => undefined;
  #compiled: CompiledCall = () => undefined;
  /** Shared by the hook's caller and all its subset callers, so that every historic call is replayed. */
  readonly #history: HistoricCall[] | undefined;
  readonly #subset: Subset | undefined;
  readonly #onAsyncReplay: (pending: Promise<unknown>) => void;

  static {
    callerControl = {
      impls: (caller) => caller.#impls,
      setImpls: (caller, impls, monitors) => caller.#setImpls(impls, monitors),
      refreshSubset: (subset, monitors) => {
        const { source, excluded } = subset.#subset!;
        subset.#setImpls(
          source.#impls.filter((impl) => !excluded.has(impl.pluginName)),
          monitors,
        );
      },
      replayHistory: (caller, impl) => caller.#replayHistory(impl),
      compiled: (caller) => caller.#compiled,
    };
  }

  /** @internal Built by the manager; `subset` makes a subset caller. */
  constructor(spec: HookSpecDefinition, onAsyncReplay: (pending: Promise<unknown>) => void, subset?: Subset) {
    this.name = spec.name;
    this.spec = spec;
    this.#subset = subset;
    this.#history = subset === undefined ? (spec.historic ? [] : undefined) : subset.source.#history;
    this.#onAsyncReplay = onAsyncReplay;
    this.call = (args) => this.#current(args) as MaybePromise<CallResult>;
    this.#compile();
  }

  /**
   * False while the hook has no implementations and no monitors: hot callers skip building the
   * arguments object then (`if (caller.active) caller.call({...})`).
   */
  get active(): boolean {
    return this.#impls.length > 0 || this.#monitors.length > 0;
  }

  /**
   * Calls a historic hook and remembers the call, so that plugins registered later receive it
   * too, at registration. `onResult` gets each non-empty result, now and on every replay.
   */
  callHistoric(args: Args, onResult?: (result: unknown) => void): MaybePromise<CallResult> {
    if (this.#history === undefined) {
      throw new HookCallError(`Hook "${this.name}" is not historic; use call().`);
    }
    this.#history.push({ args, onResult, excluded: this.#subset?.excluded });
    const result = this.#compiled(args) as MaybePromise<CallResult>;
    if (onResult === undefined) return result;
    const deliver = (value: unknown) => {
      for (const item of asList(value)) onResult(item);
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
    const { call } = compileCall(this.spec, [...this.#impls, ...extraImpls], this.#monitors, {
      oneOff: true,
    });
    return call(args) as MaybePromise<CallResult>;
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

  #setImpls(impls: HookImpl[], monitors: readonly HookMonitor[]): void {
    const previous = [this.#impls, this.#monitors] as const;
    this.#impls = impls;
    this.#monitors = monitors;
    try {
      this.#compile();
    } catch (error) {
      [this.#impls, this.#monitors] = previous;
      throw error;
    }
  }

  /** Skips the calls made through a subset caller that leaves the implementation's plugin out. */
  #replayHistory(impl: HookImpl): void {
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

  #compile(): void {
    const { call, order } = compileCall(this.spec, this.#impls, this.#monitors);
    this.#order = order;
    this.#compiled = call;
    this.#current = this.#history === undefined ? call : refuseHistoric(this.name);
  }
}

function refuseHistoric(name: string): CompiledCall {
  return () => {
    throw new HookCallError(
      `Hook "${name}" is historic: call it with callHistoric() so late plugins get it too.`,
    );
  };
}

function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.filter((item) => item != null);
  return value == null ? [] : [value];
}
