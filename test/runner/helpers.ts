/**
 * Shared by the runner and session tests: a plugin that records every lifecycle hook as a short
 * string, datasets that are slow, fail or record their releases, and `runWith`, which runs a
 * pipeline through the same `runPipeline` bracket a Session uses.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  Dataset,
  DatasetDescription,
  Pipeline,
  Runner,
  RunParams,
  RunResult,
  RunState,
  SluiceHookManager,
  SluicePlugin,
} from '../../src/index.ts';
import {
  createHookManager,
  defaultRunParams,
  DataCatalog,
  MemoryDataset,
  runPipeline,
  SequentialRunner,
} from '../../src/index.ts';

/**
 * Every hook the recorder saw, in order: `beforePipelineRun`, `beforeNodeRun n`,
 * `beforeDatasetLoaded n:x` (node, then dataset), ...
 */
export interface Recording {
  readonly events: string[];
  /** The error each `onNodeError` / `onPipelineError` received, in order. */
  readonly errors: { hook: string; node?: string; error: Error }[];
  readonly plugin: SluicePlugin;
}

/** A plugin (named `name`) recording every hook into a fresh `Recording`. */
export function recorder(name = 'recorder'): Recording {
  const events: string[] = [];
  const errors: Recording['errors'] = [];
  const plugin: SluicePlugin = {
    name,
    afterContextCreated: () => void events.push('afterContextCreated'),
    afterCatalogCreated: () => void events.push('afterCatalogCreated'),
    beforePipelineRun: () => void events.push('beforePipelineRun'),
    afterPipelineRun: () => void events.push('afterPipelineRun'),
    onPipelineError: ({ error }) => {
      events.push('onPipelineError');
      errors.push({ hook: 'onPipelineError', error });
    },
    beforeNodeRun: ({ node }) => void events.push(`beforeNodeRun ${node.name}`),
    afterNodeRun: ({ node }) => void events.push(`afterNodeRun ${node.name}`),
    onNodeError: ({ node, error }) => {
      events.push(`onNodeError ${node.name}`);
      errors.push({ hook: 'onNodeError', node: node.name, error });
    },
    beforeDatasetLoaded: ({ node, datasetName }) =>
      void events.push(`beforeDatasetLoaded ${node.name}:${datasetName}`),
    afterDatasetLoaded: ({ node, datasetName }) =>
      void events.push(`afterDatasetLoaded ${node.name}:${datasetName}`),
    beforeDatasetSaved: ({ node, datasetName }) =>
      void events.push(`beforeDatasetSaved ${node.name}:${datasetName}`),
    afterDatasetSaved: ({ node, datasetName }) =>
      void events.push(`afterDatasetSaved ${node.name}:${datasetName}`),
  };
  return { events, errors, plugin };
}

/** The events of one node, in order (its node hooks and its dataset hooks). */
export function blockOf(events: readonly string[], nodeName: string): string[] {
  return events.filter((event) => {
    const subject = event.split(' ')[1];
    return subject === nodeName || subject?.startsWith(`${nodeName}:`);
  });
}

/** The nodes in the order their `beforeNodeRun` fired. */
export function nodeOrder(events: readonly string[]): string[] {
  return events
    .filter((event) => event.startsWith('beforeNodeRun '))
    .map((event) => event.slice('beforeNodeRun '.length));
}

/** How many times `event` occurs. */
export function count(events: readonly string[], event: string): number {
  return events.filter((candidate) => candidate === event).length;
}

/**
 * The block Sluice promises for a node that succeeds: loads in declared order, beforeNodeRun,
 * afterNodeRun, saves in declared order.
 */
export function expectedBlock(
  nodeName: string,
  inputs: readonly string[],
  outputs: readonly string[],
): string[] {
  return [
    ...inputs.flatMap((input) => [
      `beforeDatasetLoaded ${nodeName}:${input}`,
      `afterDatasetLoaded ${nodeName}:${input}`,
    ]),
    `beforeNodeRun ${nodeName}`,
    `afterNodeRun ${nodeName}`,
    ...outputs.flatMap((output) => [
      `beforeDatasetSaved ${nodeName}:${output}`,
      `afterDatasetSaved ${nodeName}:${output}`,
    ]),
  ];
}

/** A complete RunParams, as a Session would build it. */
export function makeRunParams(overrides: Partial<RunParams> = {}): RunParams {
  return defaultRunParams({
    runId: 'test-run',
    projectPath: '/nowhere',
    sluiceVersion: '0.0.0-test',
    ...overrides,
  });
}

export interface RunWithOptions {
  runner?: Runner;
  /** Plugins registered in this order (so the last one is called first). */
  plugins?: SluicePlugin[];
  hooks?: SluiceHookManager;
  isAsync?: boolean;
  continueOnFailure?: boolean;
  onlyMissingOutputs?: boolean;
  signal?: AbortSignal;
  state?: RunState;
  /** `RunOptions.shareLoads`; default: the runner's default (shared). */
  shareLoads?: boolean;
}

/** Runs `pipeline` inside the pipeline-hook bracket, with a fresh recorder registered last (called first). */
export async function runWith(
  pipeline: Pipeline,
  catalog: DataCatalog,
  options: RunWithOptions = {},
): Promise<{ result?: RunResult; error?: Error; recording: Recording; state: RunState }> {
  const recording = recorder();
  const hooks = options.hooks ?? createHookManager();
  for (const plugin of options.plugins ?? []) hooks.register(plugin);
  hooks.register(recording.plugin);
  const runner = options.runner ?? new SequentialRunner();
  const state = options.state ?? { completed: [], skipped: [], upToDate: [], failed: [] };
  const runParams = makeRunParams({
    runner: runner.name,
    isAsync: options.isAsync ?? false,
    continueOnFailure: options.continueOnFailure ?? false,
    onlyMissingOutputs: options.onlyMissingOutputs ?? false,
  });
  try {
    const result = await runPipeline({
      pipeline,
      catalog,
      hooks,
      runner,
      runParams,
      options: {
        state,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(options.shareLoads === undefined ? {} : { shareLoads: options.shareLoads }),
      },
    });
    return { result, recording, state };
  } catch (error) {
    return { error: error as Error, recording, state };
  }
}

/** A catalog of memory datasets holding `data`. */
export function fed(data: Record<string, unknown>): DataCatalog {
  return new DataCatalog().feed(data);
}

/** What a `SlowDataset` did, in order: `load-start x`, `load-end x`, `save-start y`, `save-end y`. */
export type Timeline = string[];

/**
 * An async dataset: load and save wait `ms` before they finish, and record their start and end
 * into `timeline`. With `fail`, the load (or save) rejects after the wait.
 */
export class SlowDataset implements Dataset {
  #data: unknown;
  #has: boolean;

  constructor(
    readonly name: string,
    readonly timeline: Timeline,
    readonly options: { ms?: number; data?: unknown; failLoad?: boolean; failSave?: boolean } = {},
  ) {
    this.#data = options.data;
    this.#has = 'data' in options;
  }

  async load(): Promise<unknown> {
    this.timeline.push(`load-start ${this.name}`);
    await sleep(this.options.ms ?? 20);
    this.timeline.push(`load-end ${this.name}`);
    if (this.options.failLoad) throw new Error(`${this.name} load failed`);
    return this.#data;
  }

  async save(data: unknown): Promise<void> {
    this.timeline.push(`save-start ${this.name}`);
    await sleep(this.options.ms ?? 20);
    this.timeline.push(`save-end ${this.name}`);
    if (this.options.failSave) throw new Error(`${this.name} save failed`);
    this.#data = data;
    this.#has = true;
  }

  exists(): boolean {
    return this.#has;
  }

  release(): void {}

  describe(): DatasetDescription {
    return { type: 'slow' };
  }
}

/** A synchronous dataset whose load or save throws. */
export class BrokenDataset implements Dataset {
  constructor(
    readonly name: string,
    readonly breaks: 'load' | 'save',
  ) {}

  load(): unknown {
    if (this.breaks === 'load') throw new Error(`${this.name} cannot be loaded`);
    return 1;
  }

  save(): void {
    if (this.breaks === 'save') throw new Error(`${this.name} cannot be saved`);
  }

  exists(): boolean {
    return true;
  }

  release(): void {}

  describe(): DatasetDescription {
    return { type: 'broken' };
  }
}

/** A memory dataset that notes each release (and what the run had done by then) in `log`. */
export class ReleaseRecordingDataset extends MemoryDataset {
  constructor(
    readonly name: string,
    readonly log: string[],
    initial?: { data: unknown },
  ) {
    super(name, {}, initial);
  }

  override release(): void {
    this.log.push(`release ${this.name}`);
    super.release();
  }
}

/** Resolves after `ms`, for nodes that stand for I/O. */
export function pause(ms: number): Promise<void> {
  return sleep(ms);
}

/** Data kept in this process but declared persistent (`ephemeral` is not true), like a file dataset. */
export class PersistedDataset implements Dataset {
  readonly ephemeral = false;
  #data: unknown;
  #has: boolean;

  constructor(initial?: { data: unknown }) {
    this.#has = initial !== undefined;
    this.#data = initial?.data;
  }

  load(): unknown {
    if (!this.#has) throw new Error('nothing saved');
    return this.#data;
  }

  save(data: unknown): void {
    this.#data = data;
    this.#has = true;
  }

  exists(): boolean {
    return this.#has;
  }

  release(): void {}

  describe(): DatasetDescription {
    return { type: 'persisted' };
  }
}

/** A catalog where each name in `persisted` is a PersistedDataset; every other name is a memory dataset. */
export function catalogWith(
  persisted: readonly string[],
  parameters: Record<string, unknown> = {},
): DataCatalog {
  const datasets: Record<string, Dataset> = {};
  for (const name of persisted) datasets[name] = new PersistedDataset();
  return new DataCatalog({ datasets, parameters });
}
