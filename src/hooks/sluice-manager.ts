import { HookManager } from './manager.ts';
import type { NoUnknownHooks, PluginOf } from './plugin.ts';
import type { FirstResultHookSpecs, HookSpecs } from './specs.ts';
import { SLUICE_HOOK_SPECS } from './specs.ts';

/** The names of first-result hooks among Sluice's specs. */
export type FirstResultHookName = keyof FirstResultHookSpecs;

/** A hook manager for Sluice's lifecycle hooks. */
export type SluiceHookManager = HookManager<HookSpecs, FirstResultHookName>;

/** A plugin for Sluice's lifecycle hooks: an optional `name` and any subset of `HookSpecs`. */
export type SluicePlugin = PluginOf<HookSpecs, FirstResultHookName> & {
  /**
   * `node` (default): node and dataset hooks fire in the process that runs the node. `main`: the
   * plugin stays in the main process, and the parallel and distributed runners relay node and
   * dataset events to it, with `RelayedData` descriptions in place of data. For stateful plugins:
   * progress displays, run stores, live views.
   */
  process?: 'node' | 'main';
};

/** A hook manager with every Sluice lifecycle spec defined. */
export function createHookManager(): SluiceHookManager {
  return new HookManager<HookSpecs, FirstResultHookName>(SLUICE_HOOK_SPECS);
}

/**
 * Types a plugin object without widening it, so `tsc` checks each hook's arguments and rejects
 * misspelt hooks (any `before…`/`after…`/`on…` key that isn't a spec), while state and helper
 * methods keep their own types and `this` works inside hooks.
 */
export function definePlugin<T extends SluicePlugin>(
  plugin: T & NoUnknownHooks<T, HookSpecs & { process: unknown }> & ThisType<T>,
): T {
  return plugin;
}
