/**
 * The shapes the run store returns. Times are ISO 8601 strings (UTC), durations milliseconds, and
 * every text was redacted before it was stored.
 */

/** How a run ended, or `running` while it goes on. `interrupted`: its process died mid-run. */
export type RunStatus = 'running' | 'success' | 'failed' | 'cancelled' | 'interrupted';

/** How a node's run ended. `running` only while the run goes on; `interrupted` when it died. */
export type NodeRunStatus = 'running' | 'success' | 'failed' | 'skipped' | 'interrupted';

/** One run, as `listRuns` returns it. */
export interface RunSummary {
  readonly id: string;
  /** The registered pipeline that ran (`__default__` unless `--pipeline` named one). */
  readonly pipeline: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  /** Undefined while the run goes on. */
  readonly endedAt: string | undefined;
  readonly durationMs: number | undefined;
  /** The configuration environment (`local` by default). */
  readonly env: string;
  /** `sequential`, `parallel`, `async`, `distributed`... */
  readonly runner: string;
  /** The last value of each metric logged in the run. */
  readonly metrics: Readonly<Record<string, number>>;
  /** The commit checked out when the run started, if the project is in a git repository. */
  readonly gitCommit: string | undefined;
  /** Uncommitted changes in the working tree when the run started. */
  readonly gitDirty: boolean | undefined;
}

/** One node of a run. */
export interface NodeRunRecord {
  readonly name: string;
  readonly status: NodeRunStatus;
  /** Attempts made (retries count); 0 for a skipped node. */
  readonly attempts: number;
  readonly startedAt: string | undefined;
  /** All attempts together; undefined for a node still running or skipped. */
  readonly durationMs: number | undefined;
  /** The failure, redacted. */
  readonly error: string | undefined;
  /** Why the node was skipped. */
  readonly reason: string | undefined;
  /**
   * Where the node ran, as its lifecycle hooks named it (`WorkerName`): `main`, `thread 3` (a
   * parallel worker thread), `host:pid/slot 1` (a distributed worker's slot). Undefined for nodes
   * the runner never started and for runs recorded before it was filled.
   */
  readonly worker: string | undefined;
  /** The values of the node's `params:` inputs. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The metrics the node's outputs logged. */
  readonly metrics: Readonly<Record<string, number>>;
  /** The datasets it loaded and saved, in order. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

/** One load or save of a dataset by a node. */
export interface DatasetEventRecord {
  readonly node: string;
  readonly dataset: string;
  readonly operation: 'load' | 'save';
  readonly at: string;
  readonly version: string | undefined;
  readonly rows: number | undefined;
  readonly columns: number | undefined;
  readonly bytes: number | undefined;
  readonly schema: readonly { readonly name: string; readonly type: string }[] | undefined;
}

/** A versioned dataset saved in the run. */
export interface ArtifactRecord {
  readonly dataset: string;
  readonly node: string;
  /** The dataset's type (`json`, `parquet`, `object`...). */
  readonly type: string;
  /** The file written: the version's own file. */
  readonly path: string | undefined;
  readonly version: string | undefined;
  readonly bytes: number | undefined;
}

/** One value of a metric: in which run and node, when. */
export interface MetricPoint {
  readonly runId: string;
  readonly node: string | undefined;
  readonly name: string;
  readonly value: number;
  readonly at: string;
}

/** A record a plugin added to a run (validation results, say). */
export interface PluginRecord {
  /** The plugin that added it (`sluice:validation`). */
  readonly plugin: string;
  /** What sort of record it is, as the plugin names it (`check`). */
  readonly kind: string;
  /** The node it concerns, if any. */
  readonly node: string | undefined;
  /** What it is about (a dataset name, a rule), free for the plugin. */
  readonly key: string | undefined;
  /** Any JSON value. */
  readonly value: unknown;
  readonly at: string;
}

/** Everything recorded about one run, as `getRun` returns it. */
export interface RunDetail extends RunSummary {
  /** The values of every `params:` input of the nodes that ran. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The filters and options of the run (tags, node names, `--params`...). */
  readonly filters: Readonly<Record<string, unknown>>;
  readonly nodes: readonly NodeRunRecord[];
  readonly datasets: readonly DatasetEventRecord[];
  readonly artifacts: readonly ArtifactRecord[];
  /** Every value of every metric, in the order logged. */
  readonly metricValues: readonly MetricPoint[];
  readonly records: readonly PluginRecord[];
  /** The run's error, redacted; undefined unless it failed or was cancelled. */
  readonly error: string | undefined;
  readonly sluiceVersion: string;
}
