import { resolve } from 'node:path';
import { normalizeRuntimeParams } from '../config/runtime-params.ts';
import type { SluiceHookManager } from '../hooks/sluice-manager.ts';
import type { ProjectMetadata } from '../hooks/specs.ts';
import type { DataCatalog } from '../io/catalog.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import { AsyncRunner } from '../runner/async-runner.ts';
import { DistributedRunner } from '../runner/distributed/distributed-runner.ts';
import { ParallelRunner } from '../runner/parallel/parallel-runner.ts';
import { resumeFromNodes } from '../runner/resume.ts';
import type { ProjectReference, Runner, RunState } from '../runner/runner.ts';
import { newRunState } from '../runner/runner.ts';
import { SequentialRunner } from '../runner/sequential-runner.ts';
import type { ProjectContext } from '../run-types/project-context.ts';
import type { DiscoveryResult } from '../hooks/discovery.ts';
import { buildCatalog } from '../project/build-catalog.ts';
import { createProjectHooks } from '../project/project-hooks.ts';
import { defaultPlugins } from '../plugins/default-plugins.ts';
import { entryModule } from '../package-files.ts';
import { checkRun } from './check-run.ts';
import { filterPipeline } from './filter-pipeline.ts';
import type { UnsavedOutput } from './unsaved-outputs.ts';
import { unsavedOutputs } from './unsaved-outputs.ts';
import { newRunId } from './run-id.ts';
import type { RunParams, RunResult } from '../run-types/run-params.ts';
import { runPipeline } from './run-pipeline.ts';
import type { RecordedRun, RecordedRunStatus } from './run-record.ts';
import { writeRunRecord } from './run-record.ts';
import { RunCancelledError } from '../runner/errors.ts';
import type { ProjectSettings } from '../project/settings.ts';
import type { IncrementalSettings } from '../project/settings.ts';
import { DEFAULT_PIPELINE, incrementalSettings, loadSettings } from '../project/settings.ts';
import { SLUICE_VERSION } from '../version.ts';
import { projectMetadata } from './project-metadata.ts';

/**
 * The module a parallel worker thread imports `defaultPlugins` from (project/built-in-plugins.ts):
 * an entry point of the build, so a file of its own in dist/.
 */
const DEFAULT_PLUGINS_MODULE: string = entryModule('plugins/default-plugins').href;

/** How to open a project. */
export interface SessionOptions {
  /** The project root (holding sluice.config.ts). Default: the current directory. */
  projectPath?: string;
  /** The environment layered over `base`. Default: the project's, else `local`. */
  env?: string;
  /** The configuration folder. Default: the project's, else `conf`. */
  confSource?: string;
  /** `--params`: values that override parameters and feed `${runtime_params:...}`. */
  runtimeParams?: Readonly<Record<string, unknown>>;
  /** Settings already loaded (the CLI loads them once for every command). */
  settings?: ProjectSettings;
  /** Where the session reports the resume command after a failure. Default: stderr. */
  log?: (line: string) => void;
  /**
   * Incremental runs (`sluice run --incremental`): skip nodes whose code, inputs and parameters
   * are unchanged since their last successful run. Default: the project's `incremental` setting.
   */
  incremental?: boolean | IncrementalSettings;
}

/** One run's choices: Kedro's `kedro run` options. */
export interface SessionRunOptions {
  /** A registered pipeline. Default `__default__`. */
  pipelineName?: string;
  tags?: readonly string[];
  nodeNames?: readonly string[];
  fromNodes?: readonly string[];
  toNodes?: readonly string[];
  fromInputs?: readonly string[];
  toOutputs?: readonly string[];
  namespaces?: readonly string[];
  /** A runner name or instance. Default: the project's runner setting, else sequential. */
  runner?: 'sequential' | 'parallel' | 'async' | 'distributed' | Runner;
  isAsync?: boolean;
  /** `--load-versions ds:version`. */
  loadVersions?: Readonly<Record<string, string>>;
  onlyMissingOutputs?: boolean;
  continueOnFailure?: boolean;
  /** Aborting it cancels the run: `onPipelineError` gets a `RunCancelledError`. */
  signal?: AbortSignal;
}

/** What the last run left behind, for the CLI's summary and resume hint. */
export interface RunReport {
  readonly runParams: RunParams;
  readonly state: RunState;
  readonly pipeline: Pipeline;
  /** On failure: the nodes `--from-nodes` should name to resume (empty: rerun the same command). */
  readonly resumeFromNodes: readonly string[];
  /**
   * After a successful run: the pipeline's final outputs that no catalog entry declares. They
   * lived in memory (`RunResult.outputs` holds them) and are gone once the process ends.
   */
  readonly unsavedOutputs: readonly UnsavedOutput[];
}

/**
 * A project opened for one run, as Kedro's KedroSession: it loads settings, discovers plugins,
 * builds the configuration and the catalog, and brackets the run with the pipeline hooks.
 * `afterContextCreated` and `afterCatalogCreated` fire once per run.
 */
export class Session {
  readonly projectPath: string;
  readonly settings: ProjectSettings;
  readonly hooks: SluiceHookManager;
  readonly discovery: DiscoveryResult;
  readonly runId: string;
  readonly env: string;
  readonly confSource: string;
  readonly runtimeParams: Readonly<Record<string, unknown>>;
  #report: RunReport | undefined;
  #ran = false;
  /** Incremental runs turned on for this session (rather than by the settings), for workers too. */
  readonly #incremental: IncrementalSettings | undefined;
  readonly #log: (line: string) => void;

  private constructor(
    settings: ProjectSettings,
    hooks: SluiceHookManager,
    discovery: DiscoveryResult,
    options: SessionOptions,
  ) {
    this.projectPath = settings.projectPath;
    this.settings = settings;
    this.hooks = hooks;
    this.discovery = discovery;
    this.runId = newRunId();
    this.env = options.env ?? settings.defaultEnv;
    this.confSource = options.confSource ?? settings.confSource;
    this.runtimeParams = normalizeRuntimeParams(options.runtimeParams ?? {});
    this.#log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.#incremental = incrementalSettings(options.incremental);
  }

  /** Opens the project: settings, plugin discovery, the hook manager. */
  static async create(options: SessionOptions = {}): Promise<Session> {
    const settings = options.settings ?? (await loadSettings(resolve(options.projectPath ?? '.')));
    const { manager, discovery } = await createProjectHooks(settings, {
      role: 'main',
      incremental: incrementalSettings(options.incremental),
      builtIns: defaultPlugins,
    });
    return new Session(settings, manager, discovery, options);
  }

  /** The last run's report (after `run` resolved or threw); undefined when the run could not start. */
  get report(): RunReport | undefined {
    return this.#report;
  }

  /** Builds the context and the catalog, firing `afterContextCreated` and `afterCatalogCreated`. */
  createCatalog(
    loadVersions: Readonly<Record<string, string>> = {},
    pipelineName: string = DEFAULT_PIPELINE,
    signal?: AbortSignal,
  ): Promise<{ context: ProjectContext; catalog: DataCatalog }> {
    return buildCatalog({
      signal,
      runId: this.runId,
      pipelineName,
      settings: this.settings,
      hooks: this.hooks,
      env: this.env,
      confSource: this.confSource,
      runtimeParams: this.runtimeParams,
      saveVersion: this.runId,
      loadVersions,
    });
  }

  /** The registered pipeline with the run's filters applied (Kedro's `filter`, criteria intersected). */
  async selectPipeline(options: SessionRunOptions): Promise<Pipeline> {
    const pipelineName = options.pipelineName ?? DEFAULT_PIPELINE;
    return filterPipeline(await this.settings.pipeline(pipelineName), pipelineName, options);
  }

  /** Runs a pipeline once. A session runs once, as in Kedro: open a new one for the next run. */
  async run(options: SessionRunOptions = {}): Promise<RunResult> {
    if (this.#ran) throw new Error('This session has already run; create a new Session for another run.');
    this.#ran = true;
    const loadVersions = options.loadVersions ?? {};
    const runner = this.#runner(options.runner);
    const pipelineName = options.pipelineName ?? DEFAULT_PIPELINE;
    const project: ProjectReference = {
      projectPath: this.projectPath,
      env: this.env,
      confSource: this.confSource,
      runtimeParams: this.runtimeParams,
      pipelineName,
      loadVersions,
      ...(this.#incremental === undefined ? {} : { incremental: this.#incremental }),
      builtInPlugins: DEFAULT_PLUGINS_MODULE,
    };
    // Imported meanwhile, and awaited after the catalog: its errors keep their place.
    const registered = this.settings.pipeline(pipelineName);
    const selected = registered.then((pipeline) => filterPipeline(pipeline, pipelineName, options));
    selected.catch(() => {});
    // Worker threads (the parallel runner) load the project while the catalog is built here.
    const warmUp = runner.warmUp?.(
      this.hooks,
      { runId: this.runId, isAsync: options.isAsync ?? false, project },
      selected,
    );
    try {
      return await this.#run(options, runner, project, loadVersions, pipelineName, registered, selected);
    } finally {
      await warmUp?.dispose();
    }
  }

  async #run(
    options: SessionRunOptions,
    runner: Runner,
    project: ProjectReference,
    loadVersions: Readonly<Record<string, string>>,
    pipelineName: string,
    registeredPipeline: Promise<Pipeline>,
    selectedPipeline: Promise<Pipeline>,
  ): Promise<RunResult> {
    const { catalog } = await this.createCatalog(loadVersions, pipelineName, options.signal);
    const registered = await registeredPipeline;
    const pipeline = await selectedPipeline;
    const runParams: RunParams = {
      runId: this.runId,
      projectPath: this.projectPath,
      env: this.env,
      confSource: this.confSource,
      pipelineName,
      tags: options.tags ?? [],
      nodeNames: options.nodeNames ?? [],
      fromNodes: options.fromNodes ?? [],
      toNodes: options.toNodes ?? [],
      fromInputs: options.fromInputs ?? [],
      toOutputs: options.toOutputs ?? [],
      namespaces: options.namespaces ?? [],
      runner: runner.name,
      isAsync: options.isAsync ?? false,
      loadVersions,
      runtimeParams: this.runtimeParams,
      onlyMissingOutputs: options.onlyMissingOutputs ?? false,
      continueOnFailure: options.continueOnFailure ?? false,
      sluiceVersion: SLUICE_VERSION,
    };
    // Before the check builds datasets: building an undeclared name makes it a memory dataset.
    const unsaved = unsavedOutputs(pipeline, catalog);
    // Before any pipeline hook: a run that can't start is a configuration error, not a failed run.
    const registeredPipelines = {
      names: this.settings.pipelineNames(),
      get: (name: string) => this.settings.pipeline(name),
    };
    await checkRun({ pipeline, registered, registeredPipelines, catalog, hooks: this.hooks, runParams });
    const state = newRunState();
    const startedAt = new Date().toISOString();
    const record = (status: RecordedRunStatus, resumeFrom: readonly string[] = []) =>
      this.#record({
        format: 1,
        status,
        runParams,
        pid: process.pid,
        startedAt,
        ...(status === 'running' ? {} : { endedAt: new Date().toISOString() }),
        done: [...state.completed, ...state.upToDate],
        resumeFromNodes: resumeFrom,
      });
    await record('running');
    try {
      const result = await runPipeline({
        pipeline,
        catalog,
        hooks: this.hooks,
        runner,
        runParams,
        options: {
          state,
          ...(options.signal === undefined ? {} : { signal: options.signal }),
          project,
          shareLoads: this.settings.config.runner?.shareLoads ?? true,
        },
      });
      this.#report = {
        runParams,
        state,
        pipeline,
        resumeFromNodes: [],
        unsavedOutputs: unsaved,
      };
      await record('succeeded');
      return result;
    } catch (error) {
      // Nodes found up to date count as done: a resumed run needn't repeat them either.
      const done = [...state.completed, ...state.upToDate];
      const resume = resumeFromNodes(pipeline, done, catalog);
      this.#report = { runParams, state, pipeline, resumeFromNodes: resume, unsavedOutputs: [] };
      await record(error instanceof RunCancelledError ? 'cancelled' : 'failed', resume);
      const remaining = pipeline.size - done.length;
      if (resume.length > 0) {
        this.#log(
          `There ${remaining === 1 ? 'is 1 node that has' : `are ${remaining} nodes that have`} not run. Resume from the nearest nodes with persisted inputs:\n` +
            `  ${resumeCommandFor(runParams, resume, {
              env: this.settings.defaultEnv,
              confSource: this.settings.confSource,
              runner: this.settings.config.runner?.default ?? 'sequential',
            })}`,
        );
      }
      throw error;
    }
  }

  /** The record of this run under `.sluice/runs/`; a run never fails for want of it. */
  async #record(run: RecordedRun): Promise<void> {
    try {
      await writeRunRecord(this.projectPath, run);
    } catch (error) {
      this.#log(
        `sluice: could not record the run under .sluice/ (${(error as Error).message}); --resume won't find it.`,
      );
    }
  }

  /** What `beforeCommandRun`/`afterCommandRun` receive. */
  async projectMetadata(): Promise<ProjectMetadata> {
    return projectMetadata(this.projectPath);
  }

  #runner(choice: SessionRunOptions['runner']): Runner {
    const runnerSettings = this.settings.config.runner ?? {};
    const name = choice ?? runnerSettings.default ?? 'sequential';
    if (typeof name !== 'string') return name;
    switch (name) {
      case 'sequential':
        return new SequentialRunner();
      case 'async':
        return new AsyncRunner(
          runnerSettings.concurrency === undefined ? {} : { concurrency: runnerSettings.concurrency },
        );
      case 'parallel':
        return new ParallelRunner({
          ...(runnerSettings.maxWorkers === undefined ? {} : { maxWorkers: runnerSettings.maxWorkers }),
          ...(runnerSettings.serialBelow === undefined ? {} : { serialBelow: runnerSettings.serialBelow }),
          ...(runnerSettings.startInMainThread === undefined
            ? {}
            : { startInMainThread: runnerSettings.startInMainThread }),
        });
      case 'distributed':
        return new DistributedRunner(runnerSettings.distributed ?? {});
      default:
        throw new Error(`Unknown runner "${String(name)}": use sequential, parallel, async or distributed.`);
    }
  }
}

/**
 * The `sluice run` command that resumes a failed run: every choice of the failed run (pipeline,
 * environment, filters, parameters, pinned versions, runner), starting from `fromNodes`.
 */
export function resumeCommandFor(
  runParams: RunParams,
  fromNodes: readonly string[],
  defaults: { env?: string; confSource?: string; runner?: string } = {},
): string {
  const parts = ['sluice run'];
  const quote = (value: string) =>
    /^[\w.,:@/=-]+$/.test(value) ? value : `"${value.replace(/(["\\$`])/g, '\\$1')}"`;
  if (runParams.pipelineName !== DEFAULT_PIPELINE) parts.push('--pipeline', quote(runParams.pipelineName));
  // Flags are left out only where the project's own default gives the same choice.
  if (runParams.env !== (defaults.env ?? 'local')) parts.push('--env', quote(runParams.env));
  if (runParams.confSource !== (defaults.confSource ?? 'conf'))
    parts.push('--conf-source', quote(runParams.confSource));
  if (runParams.runner !== (defaults.runner ?? 'sequential')) parts.push('--runner', runParams.runner);
  if (runParams.isAsync) parts.push('--async');
  // --from-nodes and --from-inputs are left out: the nodes to resume from lie downstream of both.
  const lists: [string, readonly string[]][] = [
    ['--tags', runParams.tags],
    ['--namespaces', runParams.namespaces],
    ['--to-nodes', runParams.toNodes],
    ['--to-outputs', runParams.toOutputs],
    ['--nodes', runParams.nodeNames],
    [
      '--load-versions',
      Object.entries(runParams.loadVersions).map(([name, version]) => `${name}:${version}`),
    ],
  ];
  for (const [flag, values] of lists) if (values.length > 0) parts.push(flag, quote(values.join(',')));
  const params = Object.entries(flattenParams(runParams.runtimeParams)).map(
    ([key, value]) => `${key}=${value}`,
  );
  if (params.length > 0) parts.push('--params', quote(params.join(',')));
  if (runParams.onlyMissingOutputs) parts.push('--only-missing-outputs');
  if (runParams.continueOnFailure) parts.push('--continue-on-failure');
  parts.push('--from-nodes', quote(fromNodes.join(',')));
  return parts.join(' ');
}

function flattenParams(value: Readonly<Record<string, unknown>>, prefix = ''): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, inner] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner))
      Object.assign(flat, flattenParams(inner as Record<string, unknown>, path));
    else flat[path] = typeof inner === 'string' ? inner : JSON.stringify(inner);
  }
  return flat;
}
