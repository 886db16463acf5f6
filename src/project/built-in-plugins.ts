import type { SluicePlugin } from '../hooks/sluice-manager.ts';
import type { IncrementalSettings } from './settings.ts';

/** A built-in plugin: named, so that a project can turn it off or replace it with its own instance. */
export type BuiltInPlugin = SluicePlugin & { readonly name: string };

/**
 * The built-in plugins (step hooks, alerts) that every project gets before its discovered and
 * configured plugins: fresh instances for each hook manager, since they keep per-run state. They
 * live in the plugins layer, above the code that opens projects (docs/architecture.md), so the
 * layers that open projects are handed them: the session and the CLI pass `defaultPlugins`, and a
 * parallel worker thread imports it by the module URL its project reference carries.
 */
export type BuiltInPlugins = (choices?: BuiltInPluginChoices) => readonly BuiltInPlugin[];

/** What a run turns on among the built-in plugins that are off by default. */
export interface BuiltInPluginChoices {
  /** Incremental runs (the `incremental` plugin), when on. */
  readonly incremental?: IncrementalSettings | undefined;
}

/** For a hook manager without built-in plugins. */
export const NO_BUILT_IN_PLUGINS: BuiltInPlugins = () => [];

/** A worker thread's built-in plugins: `defaultPlugins` of the module its main thread named. */
export async function importBuiltInPlugins(moduleUrl: string | undefined): Promise<BuiltInPlugins> {
  if (moduleUrl === undefined) return NO_BUILT_IN_PLUGINS;
  const loaded = (await import(moduleUrl)) as { defaultPlugins?: BuiltInPlugins };
  return typeof loaded.defaultPlugins === 'function' ? loaded.defaultPlugins : NO_BUILT_IN_PLUGINS;
}
