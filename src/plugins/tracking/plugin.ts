import type {
  DataCatalog,
  Node,
  RunParams,
  RunRecorder,
  RunStore,
  SaveResult,
  SluicePlugin,
} from '../../plugin-api/index.ts';
import {
  RUN_RECORD_TOPIC,
  RunCancelledError,
  definePlugin,
  isParameterName,
  isPromiseLike,
  isRunRecord,
  openRunStore,
} from '../../plugin-api/index.ts';
import { datasetStats } from './dataset-stats.ts';
import { readGitState } from './git-state.ts';
import { trackingEnabledByEnvironment } from './tracking-settings.ts';

/** The tracking plugin's name, as registered (and as `disableHooksForPlugins` names it). */
export const TRACKING_PLUGIN_NAME = 'sluice:tracking';

/** Options of {@link trackingPlugin}. */
export interface TrackingOptions {
  /** Record runs. Default: true unless SLUICE_TRACKING=off. */
  readonly enabled?: boolean | undefined;
  /** The store's file. Default `<project>/.sluice/runs.db`. */
  readonly path?: string | undefined;
  /** Where the one line about a store that can't be written goes. Default: stderr. */
  readonly log?: ((line: string) => void) | undefined;
  /** Rows queued before a write. Default 2000. */
  readonly batchRows?: number | undefined;
  /** Write at least this often while the event loop turns. Default 1000 ms. */
  readonly flushIntervalMs?: number | undefined;
  /** How long a write waits for another process's lock before it counts as failed. Default 5000. */
  readonly busyTimeoutMs?: number | undefined;
}

export interface TrackingPlugin extends SluicePlugin {
  readonly name: string;
  readonly process: 'main';
  /** The id of the run being recorded, or of the last one recorded. */
  readonly lastRunId: string | undefined;
}

/** What the plugin keeps for the run it records. */
interface Recording {
  readonly store: RunStore;
  readonly recorder: RunRecorder;
  readonly catalog: DataCatalog;
  readonly startedAt: number;
  /** Parameter values by name, read once per run. */
  readonly params: Map<string, unknown>;
  /** Nodes with a record of their own, so the runner's skipped list adds only the rest. */
  readonly nodesSeen: Set<string>;
}

/**
 * Records every run in the project's run store (`.sluice/runs.db`): the run and its filters, the
 * git commit, each node's status, attempts, time and worker, each dataset load and save with rows,
 * columns and bytes, the params nodes read, metrics (from `metrics` datasets), versioned outputs
 * as artifacts, and plugins' own records (`postRunRecord`). `sluice runs` reads it.
 *
 * A `process: 'main'` plugin: on the parallel and distributed runners it is fed by the events
 * relayed from the workers, so every run is recorded whole in one process. Writes are queued and
 * batched (see `RunRecorder`); a store that can't be written is reported once and the run goes on.
 * On by default; turn it off with `SLUICE_TRACKING=off`, `sluice run --no-tracking`, or
 * `disableHooksForPlugins: ['sluice:tracking']`.
 */
export function trackingPlugin(options: TrackingOptions = {}): TrackingPlugin {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  let recording: Recording | undefined;
  let lastRunId: string | undefined;
  let loadVersions: Readonly<Record<string, string>> = {};

  const end = (status: 'success' | 'failed' | 'cancelled', error: Error | undefined) => {
    const current = recording;
    if (current === undefined) return;
    recording = undefined;
    const endedAt = Date.now();
    current.recorder.finish(status, {
      endedAt,
      durationMs: endedAt - current.startedAt,
      error: error === undefined ? undefined : `${error.name}: ${error.message}`,
    });
    current.store.close();
  };

  const paramValue = (current: Recording, name: string): unknown => {
    if (current.params.has(name)) return current.params.get(name);
    let value: unknown;
    try {
      const loaded = current.catalog.get(name).load();
      value = isPromiseLike(loaded) ? undefined : current.catalog.redactor.redactValue(loaded);
    } catch {
      value = undefined;
    }
    current.params.set(name, value);
    return value;
  };

  const start = (runParams: RunParams, catalog: DataCatalog) => {
    if (!(options.enabled ?? trackingEnabledByEnvironment())) return;
    const redact = (text: string) => catalog.redactor.redact(text);
    let store: RunStore;
    try {
      store = openRunStore(runParams.projectPath, {
        ...(options.path === undefined ? {} : { path: options.path }),
        ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
      });
    } catch (error) {
      log(`sluice: tracking is off for this run: ${redact((error as Error).message)}`);
      return;
    }
    const startedAt = Date.now();
    const recorder = store.startRun(
      {
        id: runParams.runId,
        pipeline: runParams.pipelineName,
        env: runParams.env,
        runner: runParams.runner,
        filters: catalog.redactor.redactValue(filtersOf(runParams)),
        startedAt,
        sluiceVersion: runParams.sluiceVersion,
      },
      {
        redact,
        report: (error) => log(`sluice: tracking: ${redact(error.message)}`),
        ...(options.batchRows === undefined ? {} : { batchRows: options.batchRows }),
        ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
      },
    );
    recording = { store, recorder, catalog, startedAt, params: new Map(), nodesSeen: new Set() };
    lastRunId = runParams.runId;
    void readGitState(runParams.projectPath)
      .then((state) => {
        if (state !== undefined && recorder.runId === recording?.recorder.runId)
          recorder.git(state.commit, state.dirty);
      })
      .catch((error: unknown) =>
        log(`sluice: tracking: the git state could not be recorded: ${redact(String(error))}`),
      );
  };

  const saved = (datasetName: string, data: unknown, node: Node, result: SaveResult | undefined) => {
    const current = recording;
    if (current === undefined) return;
    const at = Date.now();
    const stats = datasetStats(data, result);
    current.recorder.datasetEvent(node.name, datasetName, 'save', at, stats);
    if (result?.metrics !== undefined)
      for (const [name, value] of Object.entries(result.metrics))
        current.recorder.metric(node.name, name, value, at);
    if (result?.version !== undefined)
      current.recorder.artifact(node.name, datasetName, {
        type: current.catalog.typeOf(datasetName),
        path: result.path,
        version: result.version,
        bytes: result.bytes,
      });
  };

  return definePlugin({
    name: TRACKING_PLUGIN_NAME,
    process: 'main' as const,
    get lastRunId() {
      return lastRunId;
    },
    afterCatalogCreated({ loadVersions: versions }) {
      loadVersions = versions;
    },
    beforePipelineRun({ runParams, catalog }) {
      // A run left unfinished in this process (its end hook never came) ends before the next.
      end('failed', undefined);
      start(runParams, catalog);
    },
    nodeDurationEstimates({ pipeline, runId }) {
      // The run store's recent runs say how long each node takes, so that runners with a choice
      // start the longest work first.
      const current = recording;
      if (current === undefined || current.recorder.runId !== runId) return undefined;
      try {
        const estimates = current.store.nodeDurations(pipeline.nodes.map((node) => node.name));
        return Object.keys(estimates).length === 0 ? undefined : estimates;
      } catch (error) {
        log(
          `sluice: tracking: past node durations could not be read (${current.catalog.redactor.redact((error as Error).message)}); ready nodes go in run order.`,
        );
        return undefined;
      }
    },
    onNodeStart({ node, worker }) {
      const current = recording;
      if (current === undefined) return;
      current.nodesSeen.add(node.name);
      current.recorder.nodeStarted(node.name, Date.now(), worker);
    },
    onNodeSkipped({ node, reason, worker }) {
      const current = recording;
      if (current === undefined) return;
      current.nodesSeen.add(node.name);
      current.recorder.nodeSkipped(node.name, reason, Date.now(), worker);
    },
    onNodeEnd({ node, error, attempts, durationMs, worker }) {
      const current = recording;
      if (current === undefined) return;
      const recorder = current.recorder;
      for (const input of node.inputs)
        if (isParameterName(input)) recorder.param(node.name, input, paramValue(current, input));
      recorder.nodeEnded(
        node.name,
        {
          status: error === undefined ? 'success' : 'failed',
          attempts,
          durationMs,
          error: error === undefined ? undefined : error.message,
          worker,
        },
        Date.now(),
      );
    },
    afterDatasetLoaded({ datasetName, data, node }) {
      const current = recording;
      if (current === undefined || isParameterName(datasetName)) return;
      const stats = datasetStats(data, undefined);
      const version = loadVersions[datasetName];
      current.recorder.datasetEvent(
        node.name,
        datasetName,
        'load',
        Date.now(),
        version === undefined ? stats : { ...stats, version },
      );
    },
    afterDatasetSaved({ datasetName, data, node, saved: result }) {
      saved(datasetName, data, node, result);
    },
    afterDatasetValidated({ result }) {
      // The validation plugin announces its checks here; they are kept as the plugin's own records.
      recording?.recorder.record(
        {
          plugin: 'sluice:validation',
          kind: 'check',
          node: result.nodeName,
          key: `${result.stage}:${result.datasetName}`,
          value: result,
        },
        Date.now(),
      );
    },
    onRunMessage({ topic, message }) {
      if (topic !== RUN_RECORD_TOPIC || recording === undefined || !isRunRecord(message)) return;
      recording.recorder.record(message, Date.now());
    },
    afterPipelineRun({ runResult }) {
      const current = recording;
      if (current === undefined) return;
      for (const name of runResult.skippedNodes)
        if (!current.nodesSeen.has(name)) current.recorder.nodeSkipped(name, 'not run', Date.now());
      end('success', undefined);
    },
    onPipelineError({ error }) {
      end(error instanceof RunCancelledError ? 'cancelled' : 'failed', error);
    },
  });
}

/** What decided the run's nodes: its filters and options, as `sluice runs show` lists them. */
function filtersOf(runParams: RunParams): Record<string, unknown> {
  const filters: Record<string, unknown> = {};
  const lists = {
    tags: runParams.tags,
    nodes: runParams.nodeNames,
    fromNodes: runParams.fromNodes,
    toNodes: runParams.toNodes,
    fromInputs: runParams.fromInputs,
    toOutputs: runParams.toOutputs,
    namespaces: runParams.namespaces,
  };
  for (const [name, list] of Object.entries(lists)) if (list.length > 0) filters[name] = list;
  if (Object.keys(runParams.runtimeParams).length > 0) filters.params = runParams.runtimeParams;
  if (Object.keys(runParams.loadVersions).length > 0) filters.loadVersions = runParams.loadVersions;
  if (runParams.isAsync) filters.async = true;
  if (runParams.onlyMissingOutputs) filters.onlyMissingOutputs = true;
  if (runParams.continueOnFailure) filters.continueOnFailure = true;
  return filters;
}
