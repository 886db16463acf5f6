import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SluiceError } from '../errors.ts';
import type { SluicePlugin } from '../hooks/sluice-manager.ts';
import type { DatasetFactory } from '../io/dataset-registry.ts';
import { Pipeline } from '../pipeline/pipeline.ts';
import { didYouMean } from '../suggest.ts';
import { importModule } from '../module-loader.ts';

/** A registered pipeline: the pipeline itself, or a function that imports it when it is first needed. */
export type PipelineSource =
  Pipeline | (() => Pipeline | { default: Pipeline } | Promise<Pipeline | { default: Pipeline }>);

/** The distributed runner's settings (`runner.distributed`); see docs/distributed.md. */
export interface DistributedSettings {
  /** Default: SLUICE_REDIS_URL, else redis://127.0.0.1:6379. Never printed with its credentials. */
  redisUrl?: string;
  /** The queue coordinators and workers meet on. Default `sluice`. */
  queue?: string;
  /** The largest memory-dataset value that crosses machines, serialised. Default 64 MiB. */
  exchangeLimitBytes?: number;
  /** How long a run's Redis keys live if its coordinator never removes them. Default one day. */
  runTtlMs?: number;
  /** How long a run waits for a worker before failing. Default 5000. */
  waitForWorkersMs?: number;
  /**
   * How long a coordinator's heartbeat lives (renewed three times as often); workers report the
   * run lost (CoordinatorLostError) once it lapses mid-run. Default 15000.
   */
  coordinatorHeartbeatMs?: number;
  /** BullMQ's job lock (a worker presumed dead after it lapses). Default 30000. */
  lockDurationMs?: number;
  /** How often workers look for jobs whose lock lapsed. Default 15000. */
  stalledIntervalMs?: number;
  /** How many times a node may be handed back after its worker went quiet. Default 3. */
  maxStalledCount?: number;
}

/** The runner a plain `sluice run` uses, and its settings. */
export interface RunnerSettings {
  /** `sequential` (default), `parallel`, `async` or `distributed`. */
  default?: 'sequential' | 'parallel' | 'async' | 'distributed';
  /** The distributed runner's Redis, queue and limits. */
  distributed?: DistributedSettings;
  /** Lanes for the parallel runner (the main thread one of them with `startInMainThread`). Default: one per core. */
  maxWorkers?: number;
  /**
   * The parallel runner counts the main thread as one of its lanes: it runs a ready node there
   * whenever it is free (a node waiting for a lane takes whichever frees first), and starts one
   * worker fewer. Off: nodes run on worker threads, where a node that crashes or hangs fails by
   * itself, and the main thread is free to hand workers their next node; the main thread runs
   * only nodes on large memory values it holds, a node the run starts alone before any worker is
   * ready, and serial runs (`serialBelow`). Default false (docs/running.md).
   */
  startInMainThread?: boolean;
  /**
   * The parallel runner runs serially in the main thread, on no worker thread, a run whose nodes
   * could save less than this share of their time on every lane, as past runs timed them (the
   * tracking plugin), or, without timings, by the pipeline's shape with every node counting the
   * same: a chain always does, from its first run on (one lane saves nothing). Such a
   * run has the sequential runner's isolation: a node that crashes or hangs takes the run with it.
   * Above 0, a node a parallel run can only start alone, while no worker thread is ready, runs in
   * the main thread too rather than wait for one. Default 0.25; 0 never, for nodes that need a
   * worker's isolation (docs/running.md, "Serial when parallel can't pay" and "A lone node before
   * any worker is ready").
   */
  serialBelow?: number;
  /** Nodes in flight at once for the async runner. Default 8. */
  concurrency?: number;
  /**
   * Load a persisted dataset that several nodes of a run read once per thread, and hand each of
   * them the same frozen value (docs/catalog.md, "Shared loads"). Default true; false reads it
   * once per node, as Kedro does, and turns off `cached: true` entries too (their readers read
   * the file). One dataset opts out with `share_loads: false` in the catalog.
   */
  shareLoads?: boolean;
}

/**
 * Incremental runs (the built-in `incremental` plugin): `true` in `sluice.config.ts`, or
 * `sluice run --incremental`. `explain` prints why each node runs or is skipped.
 */
export interface IncrementalSettings {
  readonly explain?: boolean;
  /** Count the project modules a node's function comes from (and their relative imports) as its code. */
  readonly followImports?: boolean;
}

/** `incremental` as a run gets it: off (undefined), or on with its settings. */
export function incrementalSettings(
  value: boolean | IncrementalSettings | undefined,
): IncrementalSettings | undefined {
  if (value === undefined || value === false) return undefined;
  return value === true ? {} : value;
}

/** What `sluice.config.ts` exports with `defineConfig`. */
export interface SluiceConfig {
  /** The project's own hook plugins. They register after discovered ones, so they run first. */
  hooks?: readonly SluicePlugin[];
  /** Installed packages whose plugins must not load (by npm package name). */
  disableHooksForPlugins?: readonly string[];
  /**
   * The pipeline registry. Give functions that import each pipeline, so that running one pipeline
   * doesn't import the others (kedro #5207). `__default__` runs when no `--pipeline` is given; it
   * may also list registered names to sum.
   */
  pipelines: Readonly<Record<string, PipelineSource | readonly string[]>>;
  /** The configuration folder, relative to the project. Default `conf`. */
  confSource?: string;
  /** The environment layered over `base` when `--env` isn't given. Default `local`. */
  env?: string;
  runner?: RunnerSettings;
  /** More configuration keys and their file patterns (plugins read them through the context). */
  configPatterns?: Readonly<Record<string, readonly string[]>>;
  /** The project's own dataset types, by the name YAML uses in `type:`. */
  datasetTypes?: Readonly<Record<string, DatasetFactory>>;
  /**
   * Skip nodes whose code, inputs and parameters haven't changed since their last successful run
   * (docs/incremental.md). Default off; `sluice run --incremental` turns it on for one run.
   */
  incremental?: boolean | IncrementalSettings;
}

/** Types `sluice.config.ts`. It returns its argument; the checking is the point. */
export function defineConfig(config: SluiceConfig): SluiceConfig {
  return config;
}

/** The project's settings could not be read. */
export class SettingsError extends SluiceError {}

/** The default pipeline's registry name, as in Kedro. */
export const DEFAULT_PIPELINE = '__default__';

const CONFIG_FILES = ['sluice.config.ts', 'sluice.config.mts', 'sluice.config.js', 'sluice.config.mjs'];

/** A project's settings with its pipeline registry, loading each pipeline once, on first use. */
export class ProjectSettings {
  readonly projectPath: string;
  readonly configFile: string;
  readonly config: SluiceConfig;
  readonly #loaded = new Map<string, Promise<Pipeline>>();

  constructor(projectPath: string, configFile: string, config: SluiceConfig) {
    this.projectPath = projectPath;
    this.configFile = configFile;
    this.config = config;
  }

  get confSource(): string {
    return this.config.confSource ?? 'conf';
  }

  get defaultEnv(): string {
    return this.config.env ?? 'local';
  }

  pipelineNames(): string[] {
    return Object.keys(this.config.pipelines);
  }

  /** The registered pipeline `name`, imported on first use. */
  pipeline(name: string = DEFAULT_PIPELINE): Promise<Pipeline> {
    let pending = this.#loaded.get(name);
    if (pending === undefined) {
      pending = this.#load(name, []);
      this.#loaded.set(name, pending);
    }
    return pending;
  }

  async #load(name: string, path: string[]): Promise<Pipeline> {
    const source = this.config.pipelines[name];
    if (source === undefined) {
      throw new SettingsError(
        `No pipeline named "${name}" is registered in ${this.configFile}.${didYouMean(name, this.pipelineNames())}`,
        {
          hint: `Registered pipelines: ${this.pipelineNames().join(', ') || 'none'}.`,
        },
      );
    }
    if (path.includes(name))
      throw new SettingsError(`Pipeline "${name}" includes itself: ${[...path, name].join(' -> ')}.`);
    if (source instanceof Pipeline) return source;
    if (Array.isArray(source)) {
      const parts = await Promise.all(source.map((part: string) => this.#load(part, [...path, name])));
      return Pipeline.sum(parts);
    }
    let loaded: unknown = await (source as () => unknown)();
    if (
      loaded !== null &&
      typeof loaded === 'object' &&
      !(loaded instanceof Pipeline) &&
      'default' in loaded
    ) {
      loaded = (loaded as { default: unknown }).default;
    }
    if (!(loaded instanceof Pipeline)) {
      throw new SettingsError(`Pipeline "${name}" in ${this.configFile} did not give a Pipeline.`, {
        hint: 'Return a Pipeline (or a module whose default export is one), e.g. () => import("./src/pipelines/x.ts").',
      });
    }
    return loaded;
  }
}

/** The project's settings file (`sluice.config.ts`, .mts, .js or .mjs), or undefined outside a project. */
export async function findConfigFile(projectPath: string): Promise<string | undefined> {
  const root = resolve(projectPath);
  for (const candidate of CONFIG_FILES) {
    try {
      await access(join(root, candidate));
      return join(root, candidate);
    } catch {
      // try the next name
    }
  }
  return undefined;
}

/** Finds and imports `sluice.config.ts` (or .mts/.js/.mjs) at the project root. */
export async function loadSettings(projectPath: string): Promise<ProjectSettings> {
  const root = resolve(projectPath);
  const configFile = await findConfigFile(root);
  if (configFile === undefined) {
    throw new SettingsError(`No sluice.config.ts in ${root}.`, {
      hint: 'Run sluice from the project root (or pass --project), or create a project with `npx sluice new <dir>`.',
    });
  }
  let exported: Record<string, unknown>;
  try {
    exported = await importModule(configFile, root);
  } catch (error) {
    throw new SettingsError(`${configFile} failed to load: ${(error as Error).message}`, { cause: error });
  }
  const config = exported.default as SluiceConfig | undefined;
  if (
    config === null ||
    typeof config !== 'object' ||
    typeof config.pipelines !== 'object' ||
    config.pipelines === null
  ) {
    throw new SettingsError(`${configFile} must export default defineConfig({ pipelines: { ... } }).`);
  }
  return new ProjectSettings(root, configFile, config);
}
