import { didYouMean, nearest } from '../suggest.ts';
import { destructuredArgumentNames } from './argument-names.ts';
import { HookCallError, HookRegistrationError } from './errors.ts';
import { callerControl, HookCaller } from './hook-caller.ts';
import type { HookImpl } from './implementation.ts';
import { IMPLEMENTATION_OPTIONS } from './implementation.ts';
import type { HookMonitor } from './monitor.ts';
import type { HookArgs, HookCallResult, HookName, PluginOf } from './plugin.ts';
import type { HookSpecDefinition } from './spec-definition.ts';
import { HookTracer } from './trace.ts';
import { describeValue } from '../values.ts';

/** Every hook, by name: `manager.hook.beforeNodeRun.call(args)`. */
export type HookCallers<Specs, FirstResultNames = never> = {
  readonly [K in HookName<Specs>]: HookCaller<
    HookArgs<Specs, K> & object,
    HookCallResult<Specs, K, FirstResultNames>
  >;
};

/** Keys that read as an attempt at a hook even when misspelt; other keys are the plugin's own state and helpers. */
const HOOK_LIKE = /^(before|after|on)[A-Z]/;

/**
 * Registers plugins and calls their hooks with pluggy's semantics: LIFO order, `tryfirst` and
 * `trylast`, wrappers around everything, first-result hooks, historic calls, subset callers,
 * blocking and call monitoring. Beyond pluggy: async implementations (awaited in order, no promise
 * when all are synchronous), `before`/`after` ordering relative to named plugins, and tracing.
 */
export class HookManager<
  Specs extends object = Record<string, (args: any) => unknown>,
  FirstResultNames = never,
> {
  /** The hook callers, one per spec. */
  readonly hook: HookCallers<Specs, FirstResultNames>;
  readonly #callers = new Map<string, HookCaller>();
  readonly #plugins = new Map<string, object>();
  readonly #names = new Map<object, string>();
  readonly #blocked = new Set<string>();
  readonly #monitors: HookMonitor[] = [];
  readonly #pendingReplays = new Set<Promise<unknown>>();
  /** Live subset callers, weakly held: one nobody references any more is dropped at the next change. */
  readonly #subsets = new Set<WeakRef<HookCaller>>();
  #sequence = 0;
  #anonymous = 0;

  constructor(specs: readonly HookSpecDefinition[] = []) {
    this.hook = Object.create(null) as HookCallers<Specs, FirstResultNames>;
    this.addSpecs(specs);
  }

  /**
   * Adds hook specs. Plugins registered before a spec existed are not rescanned, so add specs
   * first (pluggy's rule too). Adding a spec that exists is an error.
   */
  addSpecs(specs: readonly HookSpecDefinition[]): this {
    for (const spec of specs) {
      if (this.#callers.has(spec.name))
        throw new HookCallError(`Hook spec "${spec.name}" is already defined.`);
      if (spec.historic && spec.firstResult) {
        throw new HookCallError(`Hook spec "${spec.name}" can't be both historic and firstResult.`);
      }
      const caller = new HookCaller(spec, (pending) => this.#trackReplay(pending));
      this.#callers.set(spec.name, caller);
      (this.hook as unknown as Record<string, HookCaller>)[spec.name] = caller;
    }
    return this;
  }

  /** The spec definitions, in the order they were added. */
  specs(): HookSpecDefinition[] {
    return [...this.#callers.values()].map((caller) => caller.spec);
  }

  /**
   * Registers a plugin and returns its name, or `undefined` when that name is blocked. The
   * whole plugin is validated first: on any error nothing of it is registered.
   */
  register(plugin: PluginOf<Specs, FirstResultNames> | object, name?: string): string | undefined {
    if (plugin === null || typeof plugin !== 'object') {
      throw new HookRegistrationError(
        String(name ?? plugin),
        undefined,
        `A plugin must be an object or class instance, not ${typeof plugin}.`,
      );
    }
    const pluginName = name ?? readName(plugin) ?? this.#anonymousName(plugin);
    if (this.#blocked.has(pluginName)) return undefined;
    if (this.#plugins.has(pluginName)) {
      throw new HookRegistrationError(
        pluginName,
        undefined,
        `A plugin named "${pluginName}" is already registered.`,
        'Give each plugin a unique `name`.',
      );
    }
    if (this.#names.has(plugin)) {
      throw new HookRegistrationError(
        pluginName,
        undefined,
        `This plugin object is already registered as "${this.#names.get(plugin)}".`,
      );
    }
    const impls = this.#readImplementations(plugin, pluginName);
    const touched: HookCaller[] = [];
    try {
      for (const impl of impls) {
        const caller = this.#callers.get(impl.hookName)!;
        callerControl.setImpls(caller, [...callerControl.impls(caller), impl], this.#monitors);
        touched.push(caller);
      }
    } catch (error) {
      for (const caller of touched)
        callerControl.setImpls(
          caller,
          callerControl.impls(caller).filter((impl) => impl.plugin !== plugin),
          this.#monitors,
        );
      throw error;
    }
    this.#plugins.set(pluginName, plugin);
    this.#names.set(plugin, pluginName);
    this.#refreshSubsets();
    for (const impl of impls) callerControl.replayHistory(this.#callers.get(impl.hookName)!, impl);
    return pluginName;
  }

  /** Unregisters a plugin, by object or name, and returns it (undefined when it wasn't registered). */
  unregister(pluginOrName: object | string): object | undefined {
    const name = typeof pluginOrName === 'string' ? pluginOrName : this.#names.get(pluginOrName);
    if (name === undefined) return undefined;
    const plugin = this.#plugins.get(name);
    if (plugin === undefined) return undefined;
    for (const caller of this.#callers.values()) {
      const callerImpls = callerControl.impls(caller);
      if (callerImpls.some((impl) => impl.plugin === plugin)) {
        callerControl.setImpls(
          caller,
          callerImpls.filter((impl) => impl.plugin !== plugin),
          this.#monitors,
        );
      }
    }
    this.#plugins.delete(name);
    this.#names.delete(plugin);
    this.#refreshSubsets();
    return plugin;
  }

  /** Blocks a plugin name: unregisters it if present, and makes later registrations under it do nothing. */
  block(name: string): void {
    this.unregister(name);
    this.#blocked.add(name);
  }

  unblock(name: string): boolean {
    return this.#blocked.delete(name);
  }

  isBlocked(name: string): boolean {
    return this.#blocked.has(name);
  }

  isRegistered(pluginOrName: object | string): boolean {
    return typeof pluginOrName === 'string' ? this.#plugins.has(pluginOrName) : this.#names.has(pluginOrName);
  }

  getPlugin(name: string): object | undefined {
    return this.#plugins.get(name);
  }

  getName(plugin: object): string | undefined {
    return this.#names.get(plugin);
  }

  /** Registered plugins as `[name, plugin]`, in registration order. */
  plugins(): [string, object][] {
    return [...this.#plugins];
  }

  /** Calls a hook by name. `manager.hook[name].call(args)` is the same without the lookup. */
  call<K extends HookName<Specs>>(name: K, args: HookArgs<Specs, K>) {
    return this.#caller(name).call(args as object) as ReturnType<
      HookCallers<Specs, FirstResultNames>[K]['call']
    >;
  }

  /**
   * A caller for one hook that skips the named plugins (pluggy's `subset_hook_caller`). It is a
   * full `HookCaller`, kept up to date as plugins and monitors come and go, so calling it costs
   * the same as calling the hook itself.
   */
  subsetCaller<K extends HookName<Specs>>(
    name: K,
    excludedPlugins: Iterable<string>,
  ): HookCallers<Specs, FirstResultNames>[K] {
    const source = this.#caller(name);
    const subset = new HookCaller(source.spec, (pending) => this.#trackReplay(pending), {
      source,
      excluded: new Set(excludedPlugins),
    });
    callerControl.refreshSubset(subset, this.#monitors);
    this.#subsets.add(new WeakRef(subset));
    return subset as unknown as HookCallers<Specs, FirstResultNames>[K];
  }

  /**
   * Adds a monitor around every hook call and returns the function that removes it. Calls are
   * recompiled so that a manager without monitors pays nothing for the feature.
   */
  addMonitor(monitor: HookMonitor): () => void {
    this.#monitors.push(monitor);
    this.#recompile();
    return () => {
      const index = this.#monitors.indexOf(monitor);
      if (index !== -1) {
        this.#monitors.splice(index, 1);
        this.#recompile();
      }
    };
  }

  /** Starts recording hook names, plugin names and durations (never argument values). */
  trace(options: { implementations?: boolean } = {}): HookTracer {
    const tracer = new HookTracer(options.implementations ?? true);
    tracer.stop = this.addMonitor(tracer.monitor);
    return tracer;
  }

  /** Resolves once every async historic replay started by `register` has settled; rejects with the first failure. */
  async replaysSettled(): Promise<void> {
    while (this.#pendingReplays.size > 0) await Promise.all([...this.#pendingReplays]);
  }

  #trackReplay(pending: Promise<unknown>): void {
    const tracked = pending.finally(() => this.#pendingReplays.delete(tracked));
    tracked.catch(() => undefined);
    this.#pendingReplays.add(tracked);
  }

  #recompile(): void {
    for (const caller of this.#callers.values())
      callerControl.setImpls(caller, [...callerControl.impls(caller)], this.#monitors);
    this.#refreshSubsets();
  }

  #refreshSubsets(): void {
    for (const reference of this.#subsets) {
      const subset = reference.deref();
      if (subset === undefined) this.#subsets.delete(reference);
      else callerControl.refreshSubset(subset, this.#monitors);
    }
  }

  #caller(name: string): HookCaller {
    const caller = this.#callers.get(name);
    if (caller === undefined) {
      throw new HookCallError(`Unknown hook "${name}".${didYouMean(name, this.#callers.keys())}`);
    }
    return caller;
  }

  #anonymousName(plugin: object): string {
    const constructorName = (plugin as { constructor?: { name?: string } }).constructor?.name;
    const base = constructorName && constructorName !== 'Object' ? constructorName : 'plugin';
    let name: string;
    do name = `${base}#${++this.#anonymous}`;
    while (this.#plugins.has(name));
    return name;
  }

  /** Reads and validates every hook implementation of a plugin without registering anything. */
  #readImplementations(plugin: object, pluginName: string): HookImpl[] {
    const impls: HookImpl[] = [];
    for (const key of pluginKeys(plugin)) {
      const value = (plugin as Record<string, unknown>)[key];
      const caller = this.#callers.get(key);
      if (caller === undefined) {
        // Only a function can be a misspelt hook; a plugin's other fields cost no edit distances.
        if (typeof value !== 'function' && !isImplementationObject(value)) continue;
        if (HOOK_LIKE.test(key) || nearest(key, this.#callers.keys()) !== undefined) {
          throw new HookRegistrationError(
            pluginName,
            key,
            `Plugin "${pluginName}" implements unknown hook "${key}".${didYouMean(key, this.#callers.keys())}`,
            'Hook names are camelCase, as listed in docs/hooks.md.',
          );
        }
        continue;
      }
      impls.push(this.#readImplementation(plugin, pluginName, caller.spec, value));
    }
    return impls;
  }

  #readImplementation(
    plugin: object,
    pluginName: string,
    spec: HookSpecDefinition,
    value: unknown,
  ): HookImpl {
    const fail = (message: string, hint?: string) =>
      new HookRegistrationError(
        pluginName,
        spec.name,
        `Plugin "${pluginName}", hook "${spec.name}": ${message}`,
        hint,
      );
    let options: Record<string, unknown> = {};
    let handler: unknown = value;
    if (typeof value !== 'function') {
      if (!isImplementationObject(value)) {
        throw fail(`expected a function or { handler, ...options }, got ${describeValue(value)}.`);
      }
      options = value;
      handler = value.handler;
      for (const option of Object.keys(options)) {
        if (!(IMPLEMENTATION_OPTIONS as readonly string[]).includes(option)) {
          throw fail(`unknown option "${option}".${didYouMean(option, IMPLEMENTATION_OPTIONS)}`);
        }
      }
      if (typeof handler !== 'function')
        throw fail(`"handler" must be a function, got ${describeValue(handler)}.`);
    }
    const tryfirst = readFlag(options, 'tryfirst', fail);
    const trylast = readFlag(options, 'trylast', fail);
    const wrapper = readFlag(options, 'wrapper', fail);
    if (tryfirst && trylast) throw fail('an implementation can be tryfirst or trylast, not both.');
    if (wrapper && spec.historic)
      throw fail(
        'a historic hook can not have wrappers (its calls are replayed one implementation at a time).',
      );
    const fn = handler as (...args: never[]) => unknown;
    const argumentNames = destructuredArgumentNames(fn);
    for (const argument of argumentNames ?? []) {
      if (!spec.args.includes(argument)) {
        throw fail(
          `unknown argument "${argument}".${didYouMean(argument, spec.args)}`,
          `"${spec.name}" receives { ${spec.args.join(', ')} }.`,
        );
      }
    }
    return {
      pluginName,
      plugin,
      hookName: spec.name,
      // A bound function is several times slower to call than a plain one, so bind only when the
      // handler's source refers to `this` (or can't be read).
      fn: needsReceiver(fn) ? (fn as HookImpl['fn']).bind(plugin) : (fn as HookImpl['fn']),
      wrapper,
      tryfirst,
      trylast,
      before: readNames(options.before, 'before', fail),
      after: readNames(options.after, 'after', fail),
      sequence: this.#sequence++,
    };
  }
}

function needsReceiver(fn: (...args: never[]) => unknown): boolean {
  const source = Function.prototype.toString.call(fn);
  return /\bthis\b|\bsuper\b|\[native code\]/.test(source);
}

function readName(plugin: object): string | undefined {
  const name = (plugin as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** Own keys plus methods up the class chain (not Object.prototype's). */
function pluginKeys(plugin: object): string[] {
  const keys = new Set<string>();
  for (
    let current: object | null = plugin;
    current !== null && current !== Object.prototype;
    current = Object.getPrototypeOf(current)
  ) {
    for (const key of Object.getOwnPropertyNames(current)) {
      if (key !== 'constructor' && key !== 'name' && !key.startsWith('_')) keys.add(key);
    }
  }
  return [...keys];
}

function isImplementationObject(value: unknown): value is Record<string, unknown> & { handler: unknown } {
  return typeof value === 'object' && value !== null && 'handler' in value;
}

function readFlag(options: Record<string, unknown>, key: string, fail: (message: string) => Error): boolean {
  const value = options[key];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw fail(`"${key}" must be true or false, got ${describeValue(value)}.`);
  return value;
}

function readNames(value: unknown, key: string, fail: (message: string) => Error): readonly string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  throw fail(`"${key}" must be a plugin name or a list of plugin names.`);
}
