import type { IncrementalSettings } from './settings.ts';

/**
 * Everything another process needs to open the same project for a run: plain data, so it crosses
 * thread and machine boundaries (a worker thread's `workerData`, a distributed node job).
 */
export interface ProjectReference {
  readonly projectPath: string;
  readonly env: string;
  readonly confSource: string;
  readonly runtimeParams: Readonly<Record<string, unknown>>;
  /** The registered pipeline the nodes come from. */
  readonly pipelineName: string;
  readonly loadVersions: Readonly<Record<string, string>>;
  /** Incremental runs, when the run turned them on (`--incremental`) rather than the settings. */
  readonly incremental?: IncrementalSettings | undefined;
  /**
   * The file URL of the module exporting `defaultPlugins`, the built-in plugins a parallel worker
   * thread registers (project/built-in-plugins.ts). A path of this machine: a distributed worker
   * registers the built-in plugins of its own `sluice worker` instead.
   */
  readonly builtInPlugins?: string | undefined;
}
