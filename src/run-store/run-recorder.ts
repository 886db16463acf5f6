import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from './database.ts';

type Statement = BetterSqlite3.Statement;
import type { ProcessIdentity } from './liveness.ts';
import type { RunStatus } from './types.ts';

/** What a run is when it starts. */
export interface RunStart {
  readonly id: string;
  readonly pipeline: string;
  readonly env: string;
  readonly runner: string;
  /** Filters and options (tags, node names, `--params`...): redacted before they are stored. */
  readonly filters: Readonly<Record<string, unknown>>;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly sluiceVersion: string;
}

/** What a dataset load or save told the recorder. */
export interface DatasetEventStats {
  readonly version?: string | undefined;
  readonly rows?: number | undefined;
  readonly columns?: number | undefined;
  readonly bytes?: number | undefined;
  readonly schema?: readonly { readonly name: string; readonly type: string }[] | undefined;
}

/** How the recorder stores text and reports trouble. */
export interface RecorderOptions {
  /** Masks secrets in every text stored (errors, params, records). */
  readonly redact: (text: string) => string;
  /**
   * Told when a write fails (a locked or full disk): once per recorder, so a run prints one line.
   * The recorder keeps the rows and tries again at its next flush.
   */
  readonly report: (error: Error) => void;
  /** Rows queued before a flush. Default 2000. */
  readonly batchRows?: number;
  /** Flush (and heartbeat) at least this often while the event loop turns. Default 1000 ms. */
  readonly flushIntervalMs?: number;
}

/**
 * After a failed write, automatic writes wait this long before trying again, so that a database
 * locked for long (each try waits out the busy timeout) doesn't stall the run at every batch.
 */
const RETRY_AFTER_MS = 10_000;

/** Rows kept while the store can't be written; beyond it the oldest go (and the loss is reported). */
const MAX_PENDING_ROWS = 500_000;

const STATEMENTS = [
  `INSERT INTO runs (id, pipeline, env, runner, filters, started_at, status, host, pid, process_started, heartbeat_at, sluice_version)
   VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)`,
  `INSERT INTO node_runs (run_id, node, status, attempts, started_at, worker) VALUES (?, ?, 'running', 0, ?, ?)
   ON CONFLICT (run_id, node) DO UPDATE SET started_at = excluded.started_at,
     worker = COALESCE(excluded.worker, node_runs.worker)`,
  `INSERT INTO node_runs (run_id, node, status, attempts, started_at, duration_ms, error, worker) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
   ON CONFLICT (run_id, node) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
     duration_ms = excluded.duration_ms, error = excluded.error,
     worker = COALESCE(excluded.worker, node_runs.worker)`,
  `INSERT INTO node_runs (run_id, node, status, attempts, started_at, reason, worker) VALUES (?, ?, 'skipped', 0, ?, ?, ?)
   ON CONFLICT (run_id, node) DO UPDATE SET status = 'skipped', reason = excluded.reason,
     worker = COALESCE(excluded.worker, node_runs.worker)`,
  `INSERT INTO dataset_events (run_id, node, dataset, operation, at, version, rows, columns, bytes, schema)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  `INSERT OR REPLACE INTO node_params (run_id, node, name, value) VALUES (?, ?, ?, ?)`,
  `INSERT INTO metrics (run_id, node, name, value, at) VALUES (?, ?, ?, ?, ?)`,
  `INSERT INTO artifacts (run_id, node, dataset, type, path, version, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  `INSERT INTO records (run_id, plugin, kind, node, key, value, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  `UPDATE runs SET git_commit = ?, git_dirty = ? WHERE id = ?`,
  `UPDATE runs SET status = ?, ended_at = ?, duration_ms = ?, error = ?, params = ?, heartbeat_at = ? WHERE id = ?`,
  `UPDATE node_runs SET status = 'interrupted' WHERE run_id = ? AND status = 'running'`,
] as const;

const enum Write {
  Run,
  NodeStart,
  NodeEnd,
  NodeSkipped,
  DatasetEvent,
  Param,
  Metric,
  Artifact,
  Record,
  Git,
  Finish,
  Unfinished,
}

const HEARTBEAT = `UPDATE runs SET heartbeat_at = ? WHERE id = ?`;

/**
 * Records one run. Every call queues a row and returns; rows reach the database in batches, one
 * transaction each (when `batchRows` are queued, every `flushIntervalMs`, and when the run
 * finishes), so recording costs microseconds per event and never a disk flush per event. A write
 * that fails (locked, disk full) is reported once and retried at the next flush; the run goes on.
 */
export class RunRecorder {
  readonly runId: string;
  readonly #database: Database;
  readonly #options: RecorderOptions;
  readonly #batchRows: number;
  readonly #statements: Statement[];
  readonly #heartbeat: Statement;
  readonly #timer: NodeJS.Timeout;
  /** The queued rows: the statement of each, and its values (parallel arrays: one allocation per row). */
  #kinds: Write[] = [];
  #values: unknown[][] = [];
  /** Where each node's start row waits in the queue, so its end replaces it (one row, not two). */
  #startRows = new Map<string, number>();
  #reported = false;
  #dropped = 0;
  #finished = false;
  #closed = false;
  /** No automatic write before this time (epoch ms): set by a failed write. */
  #retryAt = 0;
  /** The run's params: every `params:` input of the nodes that ran. */
  readonly #params = new Map<string, unknown>();

  constructor(database: Database, start: RunStart, owner: ProcessIdentity, options: RecorderOptions) {
    this.runId = start.id;
    this.#database = database;
    this.#options = options;
    this.#batchRows = options.batchRows ?? 2000;
    this.#statements = STATEMENTS.map((sql) => database.prepare(sql));
    this.#heartbeat = database.prepare(HEARTBEAT);
    this.#kinds.push(Write.Run);
    this.#values.push([
      start.id,
      start.pipeline,
      start.env,
      start.runner,
      this.#json(start.filters),
      start.startedAt,
      owner.host,
      owner.pid,
      owner.started ?? null,
      start.startedAt,
      start.sluiceVersion,
    ]);
    this.flush();
    this.#timer = setInterval(() => this.#flushUnlessBackingOff(), options.flushIntervalMs ?? 1000);
    this.#timer.unref();
  }

  nodeStarted(node: string, at: number, worker?: string): void {
    if (this.#finished) return;
    this.#startRows.set(node, this.#kinds.length);
    this.#add(Write.NodeStart, [this.runId, node, at, worker ?? null]);
  }

  nodeEnded(
    node: string,
    outcome: {
      status: 'success' | 'failed';
      attempts: number;
      durationMs: number;
      error?: string | undefined;
      /** Where the node ended (a redelivered distributed node may end elsewhere than it started). */
      worker?: string | undefined;
    },
    at: number,
  ): void {
    const error = outcome.error === undefined ? null : this.#options.redact(outcome.error);
    const startedAt = Math.round(at - outcome.durationMs);
    const values = [
      this.runId,
      node,
      outcome.status,
      outcome.attempts,
      startedAt,
      outcome.durationMs,
      error,
      outcome.worker ?? null,
    ];
    const waiting = this.#startRows.get(node);
    if (waiting !== undefined && !this.#finished) {
      // The start row is still queued: the end row takes its place.
      this.#startRows.delete(node);
      this.#kinds[waiting] = Write.NodeEnd;
      this.#values[waiting] = values;
      return;
    }
    this.#add(Write.NodeEnd, values);
  }

  nodeSkipped(node: string, reason: string, at: number, worker?: string): void {
    this.#add(Write.NodeSkipped, [this.runId, node, at, this.#options.redact(reason), worker ?? null]);
  }

  datasetEvent(
    node: string,
    dataset: string,
    operation: 'load' | 'save',
    at: number,
    stats: DatasetEventStats,
  ): void {
    this.#add(Write.DatasetEvent, [
      this.runId,
      node,
      dataset,
      operation,
      at,
      stats.version ?? null,
      stats.rows ?? null,
      stats.columns ?? null,
      stats.bytes ?? null,
      stats.schema === undefined ? null : JSON.stringify(stats.schema),
    ]);
  }

  /** A `params:` input a node read, with its value. */
  param(node: string, name: string, value: unknown): void {
    this.#params.set(name, value);
    this.#add(Write.Param, [this.runId, node, name, this.#json(value)]);
  }

  metric(node: string | undefined, name: string, value: number, at: number): void {
    this.#add(Write.Metric, [this.runId, node ?? null, name, value, at]);
  }

  artifact(
    node: string,
    dataset: string,
    artifact: {
      type: string;
      path?: string | undefined;
      version?: string | undefined;
      bytes?: number | undefined;
    },
  ): void {
    this.#add(Write.Artifact, [
      this.runId,
      node,
      dataset,
      artifact.type,
      artifact.path === undefined ? null : this.#options.redact(artifact.path),
      artifact.version ?? null,
      artifact.bytes ?? null,
    ]);
  }

  /** A plugin's own record (see `RunStore.records`). `value` is stored as redacted JSON. */
  record(
    record: {
      plugin: string;
      kind: string;
      node?: string | undefined;
      key?: string | undefined;
      value: unknown;
    },
    at: number,
  ): void {
    this.#add(Write.Record, [
      this.runId,
      record.plugin,
      record.kind,
      record.node ?? null,
      record.key === undefined ? null : this.#options.redact(record.key),
      this.#json(record.value ?? null),
      at,
    ]);
  }

  git(commit: string, dirty: boolean): void {
    this.#add(Write.Git, [commit, dirty ? 1 : 0, this.runId]);
  }

  /** Ends the run and writes everything queued, now. Nodes still running end as interrupted. */
  finish(
    status: Exclude<RunStatus, 'running'>,
    outcome: { endedAt: number; durationMs: number; error?: string | undefined },
  ): void {
    if (this.#finished) return;
    this.#finished = true;
    clearInterval(this.#timer);
    const error = outcome.error === undefined ? null : this.#options.redact(outcome.error);
    const params = this.#json(Object.fromEntries(this.#params));
    this.#kinds.push(Write.Unfinished, Write.Finish);
    this.#values.push(
      [this.runId],
      [status, outcome.endedAt, outcome.durationMs, error, params, outcome.endedAt, this.runId],
    );
    this.flush();
  }

  /**
   * Writes what is queued and stops: the store is closing. A run not finished stays `running`
   * until its process ends, and is then marked interrupted.
   */
  close(): void {
    this.flush();
    clearInterval(this.#timer);
    this.#closed = true;
  }

  /** Rows not yet written (a locked or full store keeps them here). */
  get pending(): number {
    return this.#kinds.length;
  }

  #flushUnlessBackingOff(): void {
    if (this.#retryAt === 0 || Date.now() >= this.#retryAt) this.flush();
  }

  /**
   * Writes the queued rows in one transaction, now. Never throws: a failure is reported once, the
   * rows are kept, and automatic writes pause for a while (`finish` and `close` still try).
   */
  flush(): void {
    const kinds = this.#kinds;
    const values = this.#values;
    if (this.#closed || (kinds.length === 0 && this.#finished)) return;
    this.#kinds = [];
    this.#values = [];
    this.#startRows.clear();
    try {
      this.#write(kinds, values);
      this.#retryAt = 0;
    } catch (error) {
      this.#retryAt = Date.now() + RETRY_AFTER_MS;
      this.#kinds = kinds.concat(this.#kinds);
      this.#values = values.concat(this.#values);
      if (this.#kinds.length > MAX_PENDING_ROWS) {
        // Keep the run's own row (the first) and drop the oldest events after it.
        const excess = this.#kinds.length - MAX_PENDING_ROWS;
        this.#kinds.splice(1, excess);
        this.#values.splice(1, excess);
        this.#dropped += excess;
      }
      this.#fail(error);
    }
  }

  #write(kinds: readonly Write[], values: readonly unknown[][]): void {
    const statements = this.#statements;
    this.#database
      .transaction(() => {
        for (let i = 0; i < kinds.length; i++) statements[kinds[i]!]!.run(values[i]);
        if (!this.#finished) this.#heartbeat.run(Date.now(), this.runId);
      })
      .immediate();
  }

  #add(kind: Write, values: unknown[]): void {
    if (this.#finished) return;
    this.#kinds.push(kind);
    this.#values.push(values);
    if (this.#kinds.length >= this.#batchRows) this.#flushUnlessBackingOff();
  }

  #json(value: unknown): string {
    return this.#options.redact(JSON.stringify(value, jsonSafe) ?? 'null');
  }

  #fail(error: unknown): void {
    if (this.#reported) return;
    this.#reported = true;
    const reason = error instanceof Error ? error.message : String(error);
    const dropped = this.#dropped > 0 ? ` (${this.#dropped} events dropped)` : '';
    this.#options.report(
      new Error(
        `the run store could not be written (${reason})${dropped}; the run goes on, and recording tries again later.`,
        {
          cause: error,
        },
      ),
    );
  }
}

/** BigInts as strings, functions and symbols left out: params are plain data, but not always. */
function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
