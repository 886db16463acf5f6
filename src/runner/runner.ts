import type { SluiceHookManager } from '../hooks/sluice-manager.ts';
import type { DataCatalog } from '../io/catalog.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { RunParams, RunResult } from '../run-types/run-params.ts';
import type { ProjectReference } from '../project/project-reference.ts';
import type { NodeFailure } from './errors.ts';

export type { ProjectReference } from '../project/project-reference.ts';

/** Where a runner reports progress as it goes, so a caller still knows it after a failure. */
export interface RunState {
  /** Nodes that ran to completion, in completion order. */
  readonly completed: string[];
  /**
   * Nodes that were not run: missing-outputs skips, nodes a `nodeSkip` plugin skipped, and nodes
   * behind a failure under continueOnFailure.
   */
  readonly skipped: string[];
  /**
   * Nodes `onlyMissingOutputs` found up to date or a `nodeSkip` plugin skipped (also listed in
   * `skipped`): they count as done.
   */
  readonly upToDate: string[];
  /** Nodes that failed. */
  readonly failed: NodeFailure[];
}

export function newRunState(): RunState {
  return { completed: [], skipped: [], upToDate: [], failed: [] };
}

/** How one run goes; every runner accepts all of it. */
export interface RunOptions {
  readonly runId: string;
  /** Load a node's inputs concurrently, and save its outputs concurrently (`--async`). */
  readonly isAsync?: boolean;
  /** Aborting it stops scheduling; running nodes settle, then the run fails with `RunCancelledError`. */
  readonly signal?: AbortSignal;
  /** Keep running every node that doesn't depend on a failed one; report all failures at the end (kedro #503). */
  readonly continueOnFailure?: boolean;
  /** Skip nodes whose persisted outputs all exist (Kedro's `--only-missing-outputs`). */
  readonly onlyMissingOutputs?: boolean;
  /** Filled in as the run goes; pass one to know what ran after a failure. */
  readonly state?: RunState;
  /**
   * How another process finds the project: runners that run nodes elsewhere (parallel,
   * distributed) load it by path and look nodes up by name. Sessions always pass it.
   */
  readonly project?: ProjectReference;
  /**
   * The run's parameters, as the pipeline hooks got them. Runners that may have to report the
   * run's failure from elsewhere (a distributed worker, when the coordinator is lost) carry them.
   */
  readonly runParams?: RunParams;
  /**
   * Load a persisted dataset that several nodes read once per thread, and hand each reader the same
   * frozen value (docs/catalog.md, "Shared loads"). Default true; `runner: { shareLoads: false }`
   * in `sluice.config.ts` turns it off for a project, `share_loads: false` for one catalog entry.
   */
  readonly shareLoads?: boolean;
}

/**
 * Runs a pipeline's nodes against a catalog, firing node and dataset hooks through `runNode`.
 * Pipeline hooks are the session's business (`runPipeline`), so that they fire exactly once
 * whichever runner is used.
 */
export interface Runner {
  /** `sequential`, `parallel`, `async`, or a custom runner's name; recorded in runParams. */
  readonly name: string;
  /**
   * Called by the session before it builds the catalog, with the options `run` will get (less
   * `state` and `signal`), so that a runner can start slow things meanwhile (the parallel runner
   * starts its worker threads). `pipeline` is the pipeline the session selected for the run,
   * still being imported: `run` gets it, less any nodes found up to date. It rejects when the
   * pipeline can't be imported or filtered (the run then fails with that error, in its place);
   * a caller other than the session may leave it out. The session disposes the warm-up once the
   * run is over, or if it never starts; `run` takes over what it can use.
   */
  warmUp?(hooks: SluiceHookManager, options: RunOptions, pipeline?: Promise<Pipeline>): RunWarmUp | undefined;
  run(
    pipeline: Pipeline,
    catalog: DataCatalog,
    hooks: SluiceHookManager,
    options: RunOptions,
  ): Promise<RunResult>;
}

/** What `Runner.warmUp` started: disposing it stops whatever `run` did not take over. */
export interface RunWarmUp {
  dispose(): Promise<void>;
}
