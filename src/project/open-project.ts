import type { SluicePlugin } from '../hooks/sluice-manager.ts';
import type { SluiceHookManager } from '../hooks/sluice-manager.ts';
import type { DataCatalog } from '../io/catalog.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { ProjectContext } from '../run-types/project-context.ts';
import { buildCatalog } from './build-catalog.ts';
import type { BuiltInPlugins } from './built-in-plugins.ts';
import { createProjectHooks } from './project-hooks.ts';
import type { ProjectReference } from './project-reference.ts';
import type { ProjectSettings } from './settings.ts';
import { loadSettings } from './settings.ts';

/** How to open a project in a process that runs nodes for a run started elsewhere. */
export interface OpenProjectOptions {
  readonly project: ProjectReference;
  readonly runId: string;
  readonly saveVersion: string;
  /**
   * Plugins this process adds after the project's own (a relay, say). They get the catalog
   * through a function because it exists only once the hooks are set up.
   */
  readonly plugins?: (catalog: () => DataCatalog) => readonly SluicePlugin[];
  /** How `context.post` reaches the process that started the run. */
  readonly post: (topic: string, message: unknown) => void;
  /** The run's cancellation as this process sees it (`context.signal`). */
  readonly signal?: AbortSignal | undefined;
  /** The built-in plugins this process registers first (project/built-in-plugins.ts). */
  readonly builtIns: BuiltInPlugins;
}

/** A project opened for one run in a node-running process. */
export interface OpenedProject {
  readonly settings: ProjectSettings;
  readonly hooks: SluiceHookManager;
  readonly context: ProjectContext;
  readonly catalog: DataCatalog;
  /** The registered pipeline the run's nodes come from; nodes are looked up in it by name. */
  readonly pipeline: Pipeline;
}

/**
 * Opens a project the way a node-running process needs it: settings, the project's hooks without
 * `process: 'main'` plugins, then the catalog (firing afterContextCreated and
 * afterCatalogCreated here, so a plugin's catalog rewrite applies to this process's datasets too)
 * with every dataset of the pipeline built. Parallel worker threads and distributed workers both
 * open projects with it; it depends on neither runner nor session.
 */
export async function openProject(options: OpenProjectOptions): Promise<OpenedProject> {
  const { project } = options;
  const settings = await loadSettings(project.projectPath);
  const { manager: hooks } = await createProjectHooks(settings, {
    role: 'worker',
    incremental: project.incremental,
    builtIns: options.builtIns,
  });
  const built: { catalog?: DataCatalog } = {};
  for (const plugin of options.plugins?.(() => built.catalog!) ?? []) hooks.register(plugin);
  const { context, catalog } = await buildCatalog({
    settings,
    hooks,
    env: project.env,
    confSource: project.confSource,
    runtimeParams: project.runtimeParams,
    saveVersion: options.saveVersion,
    loadVersions: project.loadVersions,
    runId: options.runId,
    pipelineName: project.pipelineName,
    post: options.post,
    signal: options.signal,
  });
  built.catalog = catalog;
  const pipeline = await settings.pipeline(project.pipelineName);
  await catalog.materialize(pipeline.datasets());
  return { settings, hooks, context, catalog, pipeline };
}
