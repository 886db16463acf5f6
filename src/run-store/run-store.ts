import { median } from '../median.ts';
import type { Database, DatabaseOptions } from './database.ts';
import { openDatabase } from './database.ts';
import { findRunId } from './find-run.ts';
import { currentProcess, recorderIsGone } from './liveness.ts';
import type { RecorderOptions, RunStart } from './run-recorder.ts';
import { RunRecorder } from './run-recorder.ts';
import { runStorePath } from './store-path.ts';
import type {
  ArtifactRecord,
  DatasetEventRecord,
  MetricPoint,
  NodeRunRecord,
  NodeRunStatus,
  PluginRecord,
  RunDetail,
  RunStatus,
  RunSummary,
} from './types.ts';

/** Options of {@link openRunStore}. */
export interface RunStoreOptions extends DatabaseOptions {
  /** The database file. Default `<projectPath>/.sluice/runs.db`. */
  readonly path?: string;
}

/** Options of {@link RunStore.listRuns}. */
export interface ListRunsOptions {
  /** At most this many runs (the newest). Default: all. */
  readonly limit?: number;
  /** Only runs with this status (or any of these). */
  readonly status?: RunStatus | readonly RunStatus[];
  /** Only runs of this registered pipeline. */
  readonly pipeline?: string;
}

/** What {@link RunStore.prune} removed and what it left. */
export interface PruneResult {
  /** The runs whose records were removed, newest first. */
  readonly removed: readonly RunSummary[];
  /** Runs still recorded. */
  readonly kept: number;
  /** Versioned files the removed runs saved: prune removes records, never data. */
  readonly filesLeft: readonly ArtifactRecord[];
}

/** A record a plugin adds to a run; see {@link RunStore.addRecord}. */
export interface PluginRecordInput {
  readonly plugin: string;
  readonly kind: string;
  readonly node?: string | undefined;
  readonly key?: string | undefined;
  readonly value: unknown;
}

/**
 * Opens the run store of the project at `projectPath` (`.sluice/runs.db`, created when missing),
 * migrating an older file to the current schema. Runs left `running` by a process that is gone
 * (killed, crashed, powered off) are marked `interrupted` here. Close it when done.
 */
export function openRunStore(projectPath: string, options: RunStoreOptions = {}): RunStore {
  const path = options.path ?? runStorePath(projectPath);
  return new RunStore(openDatabase(path, options), path);
}

interface RunRow {
  id: string;
  pipeline: string;
  env: string;
  runner: string;
  filters: string;
  params: string;
  git_commit: string | null;
  git_dirty: number | null;
  started_at: number;
  ended_at: number | null;
  duration_ms: number | null;
  status: RunStatus;
  error: string | null;
  host: string;
  pid: number;
  process_started: string | null;
  heartbeat_at: number;
  sluice_version: string;
}

/**
 * A project's recorded runs: read them (`listRuns`, `getRun`, `metricHistory`, `records`), record
 * one (`startRun`), add a plugin's records (`addRecord`), remove old ones (`prune`). Every method
 * is synchronous (SQLite answers in microseconds). Several processes may hold the same store.
 */
export class RunStore {
  /** The database file. */
  readonly path: string;
  readonly #database: Database;
  readonly #recorders = new Set<RunRecorder>();

  constructor(database: Database, path: string) {
    this.#database = database;
    this.path = path;
    this.markInterrupted();
  }

  /** Recorded runs, newest first. */
  listRuns(options: ListRunsOptions = {}): RunSummary[] {
    const where: string[] = [];
    const values: unknown[] = [];
    if (options.status !== undefined) {
      const statuses = typeof options.status === 'string' ? [options.status] : [...options.status];
      where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      values.push(...statuses);
    }
    if (options.pipeline !== undefined) {
      where.push('pipeline = ?');
      values.push(options.pipeline);
    }
    const filter = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
    const limit = options.limit === undefined ? '' : `LIMIT ${Math.max(0, Math.floor(options.limit))}`;
    const selected = `SELECT * FROM runs ${filter} ORDER BY started_at DESC, id DESC ${limit}`;
    const rows = this.#database.prepare(selected).all(values) as RunRow[];
    const metrics = new Map<string, Record<string, number>>();
    const metricRows = this.#database
      .prepare(
        `SELECT m.run_id AS runId, m.name AS name, m.value AS value FROM metrics m
         JOIN (SELECT id FROM runs ${filter} ORDER BY started_at DESC, id DESC ${limit}) r ON r.id = m.run_id
         ORDER BY m.rowid`,
      )
      .all(values) as { runId: string; name: string; value: number }[];
    for (const { runId, name, value } of metricRows) {
      let values = metrics.get(runId);
      if (values === undefined) metrics.set(runId, (values = {}));
      values[name] = value;
    }
    return rows.map((row) => summaryOf(row, metrics.get(row.id) ?? {}));
  }

  /**
   * Everything recorded about one run. `idOrPrefix`: a run id, the start of one, or the start of
   * its short id (the random suffix). Throws `RunNotFoundError` or `AmbiguousRunIdError`.
   */
  getRun(idOrPrefix: string): RunDetail {
    const id = this.resolveRunId(idOrPrefix);
    const database = this.#database;
    const row = database.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow;
    const metricValues = (
      database
        .prepare('SELECT node, name, value, at FROM metrics WHERE run_id = ? ORDER BY rowid')
        .all(id) as {
        node: string | null;
        name: string;
        value: number;
        at: number;
      }[]
    ).map((metric) => ({
      runId: id,
      node: metric.node ?? undefined,
      name: metric.name,
      value: metric.value,
      at: iso(metric.at),
    }));
    const metrics: Record<string, number> = {};
    for (const metric of metricValues) metrics[metric.name] = metric.value;
    const datasets = (
      database
        .prepare(
          'SELECT node, dataset, operation, at, version, rows, columns, bytes, schema FROM dataset_events WHERE run_id = ? ORDER BY rowid',
        )
        .all(id) as DatasetEventRow[]
    ).map(datasetEventOf);
    const eventsByNode = groupBy(datasets, (event) => event.node);
    const metricsByNode = new Map<string, Record<string, number>>();
    for (const metric of metricValues) {
      if (metric.node === undefined) continue;
      let values = metricsByNode.get(metric.node);
      if (values === undefined) metricsByNode.set(metric.node, (values = {}));
      values[metric.name] = metric.value;
    }
    const params = new Map<string, Record<string, unknown>>();
    for (const param of database
      .prepare('SELECT node, name, value FROM node_params WHERE run_id = ? ORDER BY rowid')
      .all(id) as {
      node: string;
      name: string;
      value: string;
    }[]) {
      let values = params.get(param.node);
      if (values === undefined) params.set(param.node, (values = {}));
      values[param.name] = JSON.parse(param.value);
    }
    const nodes = (
      database
        .prepare(
          'SELECT node, status, attempts, started_at, duration_ms, worker, error, reason FROM node_runs WHERE run_id = ? ORDER BY started_at, rowid',
        )
        .all(id) as NodeRow[]
    ).map((node) =>
      nodeRunOf(
        node,
        params.get(node.node) ?? {},
        metricsByNode.get(node.node) ?? {},
        eventsByNode.get(node.node) ?? [],
      ),
    );
    const artifacts = (
      database
        .prepare(
          'SELECT node, dataset, type, path, version, bytes FROM artifacts WHERE run_id = ? ORDER BY rowid',
        )
        .all(id) as ArtifactRow[]
    ).map(artifactOf);
    return {
      ...summaryOf(row, metrics),
      params: JSON.parse(row.params) as Record<string, unknown>,
      filters: JSON.parse(row.filters) as Record<string, unknown>,
      nodes,
      datasets,
      artifacts,
      metricValues,
      records: this.records(id),
      error: row.error ?? undefined,
      sluiceVersion: row.sluice_version,
    };
  }

  /** The full id of the run `idOrPrefix` names (see {@link getRun}). */
  resolveRunId(idOrPrefix: string): string {
    return findRunId(this.#database, idOrPrefix);
  }

  /** Every value of metric `name` across runs, oldest first: its history. */
  metricHistory(name: string, options: { pipeline?: string; limit?: number } = {}): MetricPoint[] {
    const pipeline = options.pipeline === undefined ? '' : 'AND r.pipeline = ?';
    const values: unknown[] = [name, ...(options.pipeline === undefined ? [] : [options.pipeline])];
    const rows = this.#database
      .prepare(
        `SELECT m.run_id AS runId, m.node AS node, m.value AS value, m.at AS at FROM metrics m
         JOIN runs r ON r.id = m.run_id WHERE m.name = ? ${pipeline} ORDER BY m.at DESC, m.rowid DESC
         ${options.limit === undefined ? '' : `LIMIT ${Math.max(0, Math.floor(options.limit))}`}`,
      )
      .all(values) as { runId: string; node: string | null; value: number; at: number }[];
    return rows.reverse().map((row) => ({
      runId: row.runId,
      node: row.node ?? undefined,
      name,
      value: row.value,
      at: iso(row.at),
    }));
  }

  /**
   * How long each of `nodes` usually takes, in ms by node name: the median of its `perNode` most
   * recent successful runs (default 5; every attempt and wait included), looked for among the
   * store's `lastRuns` most recent finished runs (default 20), whatever their pipeline or runner.
   * Runs still going (this one, or another process's) don't count. A node with none is left out.
   */
  nodeDurations(
    nodes: readonly string[],
    options: { perNode?: number; lastRuns?: number } = {},
  ): Record<string, number> {
    const perNode = Math.max(0, Math.floor(options.perNode ?? 5));
    const lastRuns = Math.max(0, Math.floor(options.lastRuns ?? 20));
    const rows = this.#database
      .prepare(
        `SELECT n.node AS node, n.duration_ms AS ms
         FROM (SELECT id, started_at, rowid AS at FROM runs WHERE status <> 'running'
               ORDER BY started_at DESC, rowid DESC LIMIT ?) r
         JOIN node_runs n ON n.run_id = r.id
         WHERE n.status = 'success' AND n.duration_ms IS NOT NULL
         ORDER BY r.started_at DESC, r.at DESC`,
      )
      .all(lastRuns) as { node: string; ms: number }[];
    const wanted = new Set(nodes);
    const durations = new Map<string, number[]>();
    for (const { node, ms } of rows) {
      if (!wanted.has(node)) continue;
      let list = durations.get(node);
      if (list === undefined) durations.set(node, (list = []));
      if (list.length < perNode) list.push(ms);
    }
    const typical: Record<string, number> = {};
    for (const [node, list] of durations) if (list.length > 0) typical[node] = median(list);
    return typical;
  }

  /** The records plugins added to run `runId`, in the order added; filter by plugin and kind. */
  records(runId: string, filter: { plugin?: string; kind?: string } = {}): PluginRecord[] {
    const rows = this.#database
      .prepare(
        `SELECT plugin, kind, node, key, value, at FROM records WHERE run_id = ?
         AND (? IS NULL OR plugin = ?) AND (? IS NULL OR kind = ?) ORDER BY rowid`,
      )
      .all(runId, filter.plugin ?? null, filter.plugin ?? null, filter.kind ?? null, filter.kind ?? null) as {
      plugin: string;
      kind: string;
      node: string | null;
      key: string | null;
      value: string;
      at: number;
    }[];
    return rows.map((row) => ({
      plugin: row.plugin,
      kind: row.kind,
      node: row.node ?? undefined,
      key: row.key ?? undefined,
      value: JSON.parse(row.value) as unknown,
      at: iso(row.at),
    }));
  }

  /**
   * Adds a plugin's record to a run, at once. Plugins in a run post theirs instead (see
   * `postRunRecord`), so that the tracking plugin batches them with the run's other writes.
   * `redact` masks secrets in the stored text; pass the run's (`context.redact`).
   */
  addRecord(
    runId: string,
    record: PluginRecordInput,
    redact: (text: string) => string = (text) => text,
  ): void {
    this.#database
      .prepare(
        'INSERT INTO records (run_id, plugin, kind, node, key, value, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        runId,
        record.plugin,
        record.kind,
        record.node ?? null,
        record.key === undefined ? null : redact(record.key),
        redact(JSON.stringify(record.value ?? null)),
        Date.now(),
      );
  }

  /** Starts recording a run; see `RunRecorder`. Closing the store finishes nothing: call `finish`. */
  startRun(start: RunStart, options: RecorderOptions): RunRecorder {
    const recorder = new RunRecorder(this.#database, start, currentProcess(), options);
    this.#recorders.add(recorder);
    return recorder;
  }

  /**
   * Removes the records of all but the newest `keep` runs (running ones always stay). Data files
   * stay where they are: `filesLeft` lists the versioned files the removed runs saved.
   */
  prune(options: { keep: number }): PruneResult {
    const keep = Math.max(0, Math.floor(options.keep));
    const database = this.#database;
    const doomed = (
      database
        .prepare(
          `SELECT * FROM runs WHERE status <> 'running' AND id NOT IN (SELECT id FROM runs ORDER BY started_at DESC, id DESC LIMIT ?) ORDER BY started_at DESC, id DESC`,
        )
        .all(keep) as RunRow[]
    ).map((row) => summaryOf(row, {}));
    const filesLeft: ArtifactRecord[] = [];
    const artifacts = database.prepare(
      'SELECT node, dataset, type, path, version, bytes FROM artifacts WHERE run_id = ? ORDER BY rowid',
    );
    const removals = [
      'runs WHERE id',
      'node_runs WHERE run_id',
      'dataset_events WHERE run_id',
      'node_params WHERE run_id',
      'metrics WHERE run_id',
      'artifacts WHERE run_id',
      'records WHERE run_id',
    ].map((target) => database.prepare(`DELETE FROM ${target} = ?`));
    database
      .transaction(() => {
        for (const run of doomed) {
          filesLeft.push(...(artifacts.all(run.id) as ArtifactRow[]).map(artifactOf));
          for (const removal of removals) removal.run(run.id);
        }
      })
      .immediate();
    const kept = database.prepare('SELECT count(*) FROM runs').pluck().get() as number;
    return { removed: doomed, kept, filesLeft };
  }

  /**
   * Marks `interrupted` every `running` run whose recording process is gone, with its nodes still
   * running. Done when the store opens; call it again in a long-lived reader.
   */
  markInterrupted(): string[] {
    const database = this.#database;
    const running = database.prepare(`SELECT * FROM runs WHERE status = 'running'`).all() as RunRow[];
    const gone = running.filter((run) =>
      recorderIsGone({
        host: run.host,
        pid: run.pid,
        processStarted: run.process_started ?? undefined,
        heartbeatAt: run.heartbeat_at,
      }),
    );
    if (gone.length === 0) return [];
    const endRun = database.prepare(
      `UPDATE runs SET status = 'interrupted', ended_at = heartbeat_at, duration_ms = heartbeat_at - started_at WHERE id = ? AND status = 'running'`,
    );
    const endNodes = database.prepare(
      `UPDATE node_runs SET status = 'interrupted' WHERE run_id = ? AND status = 'running'`,
    );
    try {
      database
        .transaction(() => {
          for (const run of gone) {
            endRun.run(run.id);
            endNodes.run(run.id);
          }
        })
        .immediate();
    } catch {
      // Locked by a busy writer: the next reader will mark them.
      return [];
    }
    return gone.map((run) => run.id);
  }

  /** Writes what this store's recorders still hold, stops them, and closes the file. */
  close(): void {
    for (const recorder of this.#recorders) recorder.close();
    this.#recorders.clear();
    if (this.#database.open) this.#database.close();
  }
}

interface NodeRow {
  node: string;
  status: NodeRunStatus;
  attempts: number;
  started_at: number | null;
  duration_ms: number | null;
  worker: string | null;
  error: string | null;
  reason: string | null;
}

interface DatasetEventRow {
  node: string;
  dataset: string;
  operation: 'load' | 'save';
  at: number;
  version: string | null;
  rows: number | null;
  columns: number | null;
  bytes: number | null;
  schema: string | null;
}

interface ArtifactRow {
  node: string;
  dataset: string;
  type: string;
  path: string | null;
  version: string | null;
  bytes: number | null;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function summaryOf(row: RunRow, metrics: Record<string, number>): RunSummary {
  return {
    id: row.id,
    pipeline: row.pipeline,
    status: row.status,
    startedAt: iso(row.started_at),
    endedAt: row.ended_at === null ? undefined : iso(row.ended_at),
    durationMs: row.duration_ms ?? undefined,
    env: row.env,
    runner: row.runner,
    metrics,
    gitCommit: row.git_commit ?? undefined,
    gitDirty: row.git_dirty === null ? undefined : row.git_dirty === 1,
  };
}

function datasetEventOf(row: DatasetEventRow): DatasetEventRecord {
  return {
    node: row.node,
    dataset: row.dataset,
    operation: row.operation,
    at: iso(row.at),
    version: row.version ?? undefined,
    rows: row.rows ?? undefined,
    columns: row.columns ?? undefined,
    bytes: row.bytes ?? undefined,
    schema: row.schema === null ? undefined : (JSON.parse(row.schema) as DatasetEventRecord['schema']),
  };
}

function artifactOf(row: ArtifactRow): ArtifactRecord {
  return {
    dataset: row.dataset,
    node: row.node,
    type: row.type,
    path: row.path ?? undefined,
    version: row.version ?? undefined,
    bytes: row.bytes ?? undefined,
  };
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

function nodeRunOf(
  row: NodeRow,
  params: Record<string, unknown>,
  metrics: Record<string, number>,
  mine: readonly DatasetEventRecord[],
): NodeRunRecord {
  return {
    name: row.node,
    status: row.status,
    attempts: row.attempts,
    startedAt: row.started_at === null ? undefined : iso(row.started_at),
    durationMs: row.duration_ms ?? undefined,
    error: row.error ?? undefined,
    reason: row.reason ?? undefined,
    worker: row.worker ?? undefined,
    params,
    metrics,
    inputs: [...new Set(mine.filter((event) => event.operation === 'load').map((event) => event.dataset))],
    outputs: [...new Set(mine.filter((event) => event.operation === 'save').map((event) => event.dataset))],
  };
}
