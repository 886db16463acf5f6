import { discoverPlugins } from '../hooks/discovery.ts';
import type { DiscoveryResult } from '../hooks/discovery.ts';
import type { SluiceHookManager, SluicePlugin } from '../hooks/sluice-manager.ts';
import { createHookManager } from '../hooks/sluice-manager.ts';
import type { BuiltInPlugins } from './built-in-plugins.ts';
import type { IncrementalSettings, ProjectSettings } from './settings.ts';
import { incrementalSettings } from './settings.ts';

/**
 * Where a plugin lives when nodes run in other processes. `node` (the default): its node and
 * dataset hooks fire in the process that runs the node, as in Kedro-Dagster. `main`: it stays in
 * the main process only, and the parallel and distributed runners relay node and dataset events
 * to it, with dataset descriptions in place of data (see `RelayedData`).
 */
export type PluginProcess = 'node' | 'main';

/** The process a plugin asked for with its `process` property. */
export function pluginProcess(plugin: object): PluginProcess {
  return (plugin as { process?: unknown }).process === 'main' ? 'main' : 'node';
}

/** A project's hook manager and what discovery found. */
export interface ProjectHooks {
  readonly manager: SluiceHookManager;
  readonly discovery: DiscoveryResult;
}

/**
 * The hook manager of a project: the built-in plugins (step hooks, alerts: `builtIns`, handed
 * down by the session or the CLI), then discovered
 * plugins, then the project's `hooks`, so that the project's own run first, as in Kedro. A worker
 * process leaves out `process: 'main'` plugins, which receive relayed events in the main process
 * instead.
 */
export async function createProjectHooks(
  settings: ProjectSettings,
  options: {
    role: 'main' | 'worker';
    builtIns: BuiltInPlugins;
    incremental?: IncrementalSettings | undefined;
  },
): Promise<ProjectHooks> {
  const manager = createHookManager();
  const disabled = settings.config.disableHooksForPlugins ?? [];
  const discovery = await discoverPlugins(settings.projectPath, { disable: disabled });
  const keep = (plugin: object) => options.role === 'main' || pluginProcess(plugin) === 'node';
  // Built-ins register first, so that they run after everything else; a project's own instance replaces one.
  const ownNames = new Set(
    (settings.config.hooks ?? []).map((plugin) => (plugin as { name?: unknown }).name),
  );
  const incremental = options.incremental ?? incrementalSettings(settings.config.incremental);
  for (const plugin of options.builtIns({ incremental })) {
    if (!disabled.includes(plugin.name) && !ownNames.has(plugin.name) && keep(plugin))
      manager.register(plugin);
  }
  for (const found of discovery.plugins) if (keep(found.plugin)) manager.register(found.plugin, found.name);
  for (const plugin of settings.config.hooks ?? ([] as SluicePlugin[])) {
    if (keep(plugin)) manager.register(plugin);
  }
  return { manager, discovery };
}
