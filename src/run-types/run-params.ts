import { SLUICE_VERSION } from '../version.ts';

/**
 * What `beforePipelineRun`, `afterPipelineRun` and `onPipelineError` receive as `runParams`:
 * everything that decided what this run does, so a plugin can record or reproduce it.
 */
export interface RunParams {
  /** Sortable run id (a UTC timestamp plus a random suffix); also the default save version. */
  readonly runId: string;
  readonly projectPath: string;
  readonly env: string;
  readonly confSource: string;
  /** The registered pipeline that was run (`__default__` unless `--pipeline` named one). */
  readonly pipelineName: string;
  readonly tags: readonly string[];
  readonly nodeNames: readonly string[];
  readonly fromNodes: readonly string[];
  readonly toNodes: readonly string[];
  readonly fromInputs: readonly string[];
  readonly toOutputs: readonly string[];
  readonly namespaces: readonly string[];
  /** `sequential`, `parallel`, `async` or a distributed runner's name. */
  readonly runner: string;
  readonly isAsync: boolean;
  readonly loadVersions: Readonly<Record<string, string>>;
  /** Values given with `--params`, already parsed. */
  readonly runtimeParams: Readonly<Record<string, unknown>>;
  readonly onlyMissingOutputs: boolean;
  readonly continueOnFailure: boolean;
  readonly sluiceVersion: string;
}

/** What a run produced, given to `afterPipelineRun` as `runResult`. */
export interface RunResult {
  /** The pipeline's free outputs that no catalog entry persists, loaded (Kedro's run result). */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Full names of nodes that ran to completion, in completion order. */
  readonly completedNodes: readonly string[];
  /** Nodes skipped without running (only-missing-outputs, a cache hit, or a failed dependency). */
  readonly skippedNodes: readonly string[];
  readonly durationMs: number;
}

/**
 * Run parameters for a run made outside a Session (tests, embedding `runPipeline` directly): the
 * defaults of a plain `sluice run`, with `overrides` applied.
 */
export function defaultRunParams(overrides: Partial<RunParams> & Pick<RunParams, 'runId'>): RunParams {
  return {
    projectPath: process.cwd(),
    env: 'local',
    confSource: 'conf',
    pipelineName: '__default__',
    tags: [],
    nodeNames: [],
    fromNodes: [],
    toNodes: [],
    fromInputs: [],
    toOutputs: [],
    namespaces: [],
    runner: 'sequential',
    isAsync: false,
    loadVersions: {},
    runtimeParams: {},
    onlyMissingOutputs: false,
    continueOnFailure: false,
    sluiceVersion: SLUICE_VERSION,
    ...overrides,
  };
}
