import type { DataCatalog } from '../io/catalog.ts';
import type { SaveResult } from '../io/dataset.ts';
import type { Node } from '../pipeline/node.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { RegisteredPipelines } from '../pipeline/registered-pipelines.ts';
import type { RetryPolicy } from '../pipeline/retry-policy.ts';
import type { DatasetValidationResult } from '../run-types/dataset-validation.ts';
import type { ProjectContext } from '../run-types/project-context.ts';
import type { RunParams, RunResult } from '../run-types/run-params.ts';
import type { HookSpecDefinition } from './spec-definition.ts';

/** Input overrides a `beforeNodeRun` implementation may return: input name → replacement data. */
export type InputOverrides = Record<string, unknown>;

/**
 * What a `nodeSkip` implementation returns to keep a node from running in this run. `reason` is a
 * short phrase for people ("up to date"), passed on to `onNodeSkipped`. `outputs` serves output
 * values (from a cache): they are saved through the normal save path, dataset hooks included. A
 * node's in-memory outputs must all be served, or the node can't be skipped.
 */
export interface NodeSkip {
  readonly reason: string;
  readonly outputs?: Readonly<Record<string, unknown>>;
}

/**
 * Where a node runs, as the node lifecycle hooks name it (their `worker` argument): `main` for the
 * process that runs the pipeline (the sequential and async runners, and the parallel runner's
 * main-thread lane), `thread <threadId>` for a parallel-runner worker thread, and
 * `<host>:<pid>/slot <n>` for one concurrent slot of a distributed worker process. A short label
 * for people and run stores, the same whichever process a plugin lives in (relayed events carry
 * it); not meant to be parsed.
 */
export type WorkerName = string;

/** Expected node durations in milliseconds, by node name (see `nodeDurationEstimates`). */
export type NodeDurationEstimates = Readonly<Record<string, number>>;

/** What `beforeCommandRun` and `afterCommandRun` know about the project. */
export interface ProjectMetadata {
  readonly projectPath: string;
  readonly packageName: string | undefined;
  readonly sluiceVersion: string;
}

/**
 * Sluice's lifecycle hooks: Kedro's specs in camelCase, each taking one arguments object. An
 * implementation destructures any subset of the arguments. Extend it with module augmentation
 * (`declare module 'sluice' { interface HookSpecs { ... } }`) plus `manager.addSpecs(...)`.
 */
export interface HookSpecs {
  /** The project is loaded: settings and configuration, no catalog yet. */
  afterContextCreated(args: { context: ProjectContext }): void;
  /** The catalog is built, once per run. `confCreds` holds credentials: never log it. */
  afterCatalogCreated(args: {
    catalog: DataCatalog;
    confCatalog: Readonly<Record<string, unknown>>;
    confCreds: Readonly<Record<string, unknown>>;
    parameters: Readonly<Record<string, unknown>>;
    saveVersion: string;
    loadVersions: Readonly<Record<string, string>>;
  }): void;
  /**
   * Before `beforePipelineRun`, in the main process, when nothing has started: throw to refuse the
   * run (a reference in a plugin's configuration that doesn't resolve, say). The run then fails
   * with `RunNotStartedError`, no pipeline hook fires, and `sluice run` exits with 2.
   * `registeredPipelines` are the project's, for a check against every pipeline it registers.
   */
  validatePipelineRun(args: {
    runParams: RunParams;
    pipeline: Pipeline;
    catalog: DataCatalog;
    registeredPipelines: RegisteredPipelines;
  }): void;
  beforePipelineRun(args: { runParams: RunParams; pipeline: Pipeline; catalog: DataCatalog }): void;
  /**
   * First result: how long each node of `pipeline` is expected to take, in milliseconds by node
   * name (nodes left out are unknown). Asked once per run, in the main process, after
   * `beforePipelineRun`, by the parallel runner: it starts first the ready node with the longest
   * estimated work still ahead of it, and runs serially a pipeline its lanes can't shorten enough
   * (`serialBelow`). The tracking plugin answers from the run store's recent runs. Return nothing
   * to keep the pipeline's run order.
   */
  nodeDurationEstimates(args: { pipeline: Pipeline; runId: string }): NodeDurationEstimates | undefined;
  afterPipelineRun(args: {
    runParams: RunParams;
    runResult: RunResult;
    pipeline: Pipeline;
    catalog: DataCatalog;
  }): void;
  /** Every failed run reaches this exactly once, cancellation included, before the error propagates. */
  onPipelineError(args: {
    error: Error;
    runParams: RunParams;
    pipeline: Pipeline;
    catalog: DataCatalog;
  }): void;
  /**
   * Once per node per run, before its first attempt (before its inputs load and before
   * `nodeRetryPolicy`). Paired with exactly one `onNodeEnd` unless an implementation of this hook
   * throws. `worker` says where the node runs (see {@link WorkerName}).
   */
  onNodeStart(args: { node: Node; catalog: DataCatalog; runId: string; worker: WorkerName }): void;
  /**
   * Once per node per run, after all its attempts: on success after its last output is saved, on
   * failure after `onNodeError`. `error` is undefined on success; a `PluginHookError` when a plugin
   * (not the node) failed. `attempts` counts the attempts made, `durationMs` spans all of them
   * (waits between them included), `attemptDurationMs` is the last attempt's. On the distributed
   * runner a node's attempts may run in different workers: these count them all. `worker` says
   * where the node ran (its last attempt; see {@link WorkerName}).
   */
  onNodeEnd(args: {
    node: Node;
    catalog: DataCatalog;
    runId: string;
    error: Error | undefined;
    attempts: number;
    durationMs: number;
    attemptDurationMs: number;
    worker: WorkerName;
  }): void;
  /**
   * The node does not run in this run: a plugin decided its outputs are up to date or served them
   * (incremental runs, caches). Fires in place of every other node hook for that node; the node
   * counts as done for scheduling. `reason` is a short phrase for people ("up to date"). `worker`
   * says where it was skipped (see {@link WorkerName}).
   */
  onNodeSkipped(args: {
    node: Node;
    catalog: DataCatalog;
    runId: string;
    reason: string;
    worker: WorkerName;
  }): void;
  /** Inputs are loaded. Return a record to replace some of them; records merge in call order. */
  beforeNodeRun(args: {
    node: Node;
    catalog: DataCatalog;
    inputs: Readonly<Record<string, unknown>>;
    isAsync: boolean;
    runId: string;
  }): InputOverrides | void;
  afterNodeRun(args: {
    node: Node;
    catalog: DataCatalog;
    inputs: Readonly<Record<string, unknown>>;
    outputs: Readonly<Record<string, unknown>>;
    isAsync: boolean;
    runId: string;
  }): void;
  /** The node failed: its function, one of its loads, or one of its saves. */
  onNodeError(args: {
    error: Error;
    node: Node;
    catalog: DataCatalog;
    inputs: Readonly<Record<string, unknown>>;
    isAsync: boolean;
    runId: string;
  }): void;
  /**
   * An attempt of a node with a retry policy failed and will be retried after `delayMs`.
   * `attempt` is the number of the attempt that failed (1 for the first). `onNodeError` fires only
   * when the last attempt fails. `durationMs`: since the node started (earlier attempts and waits
   * included); `attemptDurationMs`: the attempt that failed. `worker` says where the node runs (see
   * {@link WorkerName}).
   */
  onNodeRetry(args: {
    error: Error;
    node: Node;
    catalog: DataCatalog;
    attempt: number;
    delayMs: number;
    runId: string;
    durationMs: number;
    attemptDurationMs: number;
    worker: WorkerName;
  }): void;
  /**
   * First result: the retry policy for this node in this run, in place of `node.options.retries`
   * (return nothing to keep it). The step-hooks plugin answers it from `conf/<env>/hooks.yml`.
   */
  nodeRetryPolicy(args: { node: Node; runId: string }): RetryPolicy | undefined;
  /**
   * First result: asked before anything else of the node (before `onNodeStart` and its loads).
   * Return a `NodeSkip` to keep the node from running (its persisted outputs are up to date, or
   * the result serves them); `onNodeSkipped` then fires in place of every other node hook and the
   * node counts as done. Return nothing to let it run. Look at `dataset.fingerprint?.()` rather
   * than loading data: this is asked for every node.
   */
  nodeSkip(args: { node: Node; catalog: DataCatalog; runId: string }): NodeSkip | undefined;
  /**
   * A message a plugin sent with `context.post(topic, message)`, delivered in the main process
   * whichever process sent it (worker messages arrive before their node counts as finished).
   * How a plugin's instances in workers report to its main-process instance.
   */
  onRunMessage(args: { topic: string; message: unknown }): void;
  beforeDatasetLoaded(args: { datasetName: string; node: Node }): void;
  /** `durationMs`: how long the load took (the dataset's `load()` alone, no hooks). */
  afterDatasetLoaded(args: { datasetName: string; data: unknown; node: Node; durationMs: number }): void;
  beforeDatasetSaved(args: { datasetName: string; data: unknown; node: Node }): void;
  /**
   * After an output is saved. `durationMs`: how long the save took (the dataset's `save()` alone,
   * no hooks). `saved` is what the dataset reported about the write (rows, columns, bytes, the
   * file and version written, metrics to log), undefined when it reported nothing.
   */
  afterDatasetSaved(args: {
    datasetName: string;
    data: unknown;
    node: Node;
    durationMs: number;
    saved: SaveResult | undefined;
  }): void;
  /**
   * A dataset was checked against its schema and expectations (the validation plugin announces it),
   * in the main process whichever process ran the node, before the node fails on it. Plain data:
   * a run store records it as it is.
   */
  afterDatasetValidated(args: { result: DatasetValidationResult }): void;
  beforeCommandRun(args: { projectMetadata: ProjectMetadata; commandArgs: readonly string[] }): void;
  afterCommandRun(args: {
    projectMetadata: ProjectMetadata;
    commandArgs: readonly string[];
    exitCode: number;
  }): void;
}

/**
 * Sluice's specs that plugins fire themselves through `context.announce`; every other Sluice
 * spec is fired by Sluice alone. Specs a plugin adds with `addSpecs` are announceable too.
 */
export const ANNOUNCED_HOOKS = ['afterDatasetValidated'] as const satisfies readonly (keyof HookSpecs)[];

/** Hooks of `HookSpecs` that stop at the first result. Extend with augmentation like `HookSpecs`. */
export interface FirstResultHookSpecs {
  nodeDurationEstimates: true;
  nodeRetryPolicy: true;
  nodeSkip: true;
}

/**
 * The runtime side of `HookSpecs`, in lifecycle order. The compiler checks it against the
 * interface (see `SpecsInSync` below), so the two can't drift apart.
 */
export const SLUICE_HOOK_SPECS = [
  {
    name: 'afterContextCreated',
    args: ['context'],
    description: 'The project is loaded (settings, config).',
  },
  {
    name: 'afterCatalogCreated',
    args: ['catalog', 'confCatalog', 'confCreds', 'parameters', 'saveVersion', 'loadVersions'],
    description: 'The catalog is built, once per run.',
  },
  {
    name: 'validatePipelineRun',
    args: ['runParams', 'pipeline', 'catalog', 'registeredPipelines'],
    description: 'Before the run starts; throw to refuse it (no pipeline hook fires).',
  },
  {
    name: 'beforePipelineRun',
    args: ['runParams', 'pipeline', 'catalog'],
    description: 'Before the first node.',
  },
  {
    name: 'nodeDurationEstimates',
    args: ['pipeline', 'runId'],
    firstResult: true,
    description: 'Expected node durations, for ordering ready nodes (first result).',
  },
  {
    name: 'afterPipelineRun',
    args: ['runParams', 'runResult', 'pipeline', 'catalog'],
    description: 'After a successful run.',
  },
  {
    name: 'onPipelineError',
    args: ['error', 'runParams', 'pipeline', 'catalog'],
    description: 'Every failed run, exactly once.',
  },
  {
    name: 'onNodeStart',
    args: ['node', 'catalog', 'runId', 'worker'],
    description: 'Once per node, before its first attempt.',
  },
  {
    name: 'onNodeSkipped',
    args: ['node', 'catalog', 'runId', 'reason', 'worker'],
    description: 'A plugin decided the node does not run (up to date, or outputs served).',
  },
  {
    name: 'beforeNodeRun',
    args: ['node', 'catalog', 'inputs', 'isAsync', 'runId'],
    description: 'Inputs loaded; may return input overrides.',
  },
  {
    name: 'afterNodeRun',
    args: ['node', 'catalog', 'inputs', 'outputs', 'isAsync', 'runId'],
    description: 'The node returned.',
  },
  {
    name: 'onNodeError',
    args: ['error', 'node', 'catalog', 'inputs', 'isAsync', 'runId'],
    description: 'The node, a load or a save failed.',
  },
  {
    name: 'onNodeRetry',
    args: [
      'error',
      'node',
      'catalog',
      'attempt',
      'delayMs',
      'runId',
      'durationMs',
      'attemptDurationMs',
      'worker',
    ],
    description: 'An attempt failed and will be retried.',
  },
  {
    name: 'onNodeEnd',
    args: ['node', 'catalog', 'runId', 'error', 'attempts', 'durationMs', 'attemptDurationMs', 'worker'],
    description: 'Once per node, after its last save or its onNodeError.',
  },
  {
    name: 'nodeRetryPolicy',
    args: ['node', 'runId'],
    firstResult: true,
    description: "The node's retry policy for this run (first result).",
  },
  {
    name: 'nodeSkip',
    args: ['node', 'catalog', 'runId'],
    firstResult: true,
    description: 'Before the node starts: a reason (and served outputs) to skip it (first result).',
  },
  {
    name: 'onRunMessage',
    args: ['topic', 'message'],
    description: 'A message posted with context.post, in the main process.',
  },
  { name: 'beforeDatasetLoaded', args: ['datasetName', 'node'], description: 'Before an input is loaded.' },
  {
    name: 'afterDatasetLoaded',
    args: ['datasetName', 'data', 'node', 'durationMs'],
    description: 'After an input is loaded.',
  },
  {
    name: 'beforeDatasetSaved',
    args: ['datasetName', 'data', 'node'],
    description: 'Before an output is saved.',
  },
  {
    name: 'afterDatasetSaved',
    args: ['datasetName', 'data', 'node', 'durationMs', 'saved'],
    description: 'After an output is saved.',
  },
  {
    name: 'afterDatasetValidated',
    args: ['result'],
    description: 'A dataset was checked against its schema (announced by the validation plugin).',
  },
  {
    name: 'beforeCommandRun',
    args: ['projectMetadata', 'commandArgs'],
    description: 'A sluice command starts.',
  },
  {
    name: 'afterCommandRun',
    args: ['projectMetadata', 'commandArgs', 'exitCode'],
    description: 'A sluice command ends.',
  },
] as const satisfies readonly HookSpecDefinition[];

type ListedSpec = (typeof SLUICE_HOOK_SPECS)[number];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type ArgumentsOf<Name extends keyof HookSpecs> = keyof Parameters<HookSpecs[Name]>[0];
type ListedArguments<Name> = Extract<ListedSpec, { name: Name }>['args'][number];
/**
 * True when every spec of `HookSpecs` is listed with exactly its arguments, nothing else is
 * listed, and the first-result specs are those of `FirstResultHookSpecs`.
 */
type SpecsInSync =
  Same<ListedSpec['name'], keyof HookSpecs> extends true
    ? Same<Extract<ListedSpec, { firstResult: true }>['name'], keyof FirstResultHookSpecs> extends true
      ? false extends {
          [Name in keyof HookSpecs]: Same<ListedArguments<Name>, ArgumentsOf<Name>>;
        }[keyof HookSpecs]
        ? false
        : true
      : false
    : false;
// A compile error here means SLUICE_HOOK_SPECS and HookSpecs disagree: add, remove or fix the entry.
const specsInSync: SpecsInSync = true;
void specsInSync;
