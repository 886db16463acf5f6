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
}
