/**
 * The run store's schema, as the list of migrations that builds it. Migration N takes a database
 * at version N-1 (`PRAGMA user_version`) to version N; a new store runs them all. Never edit a
 * released migration: append one. test/run-store/migration.test.ts opens a version-1 file kept
 * as a fixture.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: runs, node runs, dataset events, params, metrics, artifacts.
  `
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    pipeline TEXT NOT NULL,
    env TEXT NOT NULL,
    runner TEXT NOT NULL,
    filters TEXT NOT NULL DEFAULT '{}',
    params TEXT NOT NULL DEFAULT '{}',
    git_commit TEXT,
    git_dirty INTEGER,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    duration_ms REAL,
    status TEXT NOT NULL,
    error TEXT,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL,
    sluice_version TEXT NOT NULL
  );
  CREATE INDEX runs_by_start ON runs (started_at);
  CREATE TABLE node_runs (
    run_id TEXT NOT NULL,
    node TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    started_at INTEGER,
    duration_ms REAL,
    worker TEXT,
    error TEXT,
    PRIMARY KEY (run_id, node)
  );
  CREATE TABLE dataset_events (
    run_id TEXT NOT NULL,
    node TEXT NOT NULL,
    dataset TEXT NOT NULL,
    operation TEXT NOT NULL,
    at INTEGER NOT NULL,
    version TEXT,
    rows INTEGER,
    columns INTEGER,
    bytes INTEGER,
    schema TEXT
  );
  CREATE INDEX dataset_events_by_run ON dataset_events (run_id);
  CREATE TABLE node_params (
    run_id TEXT NOT NULL,
    node TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_id, node, name)
  );
  CREATE TABLE metrics (
    run_id TEXT NOT NULL,
    node TEXT,
    name TEXT NOT NULL,
    value REAL NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX metrics_by_run ON metrics (run_id);
  CREATE INDEX metrics_by_name ON metrics (name);
  CREATE TABLE artifacts (
    run_id TEXT NOT NULL,
    node TEXT NOT NULL,
    dataset TEXT NOT NULL,
    type TEXT NOT NULL,
    path TEXT,
    version TEXT,
    bytes INTEGER
  );
  CREATE INDEX artifacts_by_run ON artifacts (run_id);
  `,
  // 2: plugins' own records; why a node was skipped; the recording process's start time, so a
  // reused pid is not taken for the run's own process.
  `
  CREATE TABLE records (
    run_id TEXT NOT NULL,
    plugin TEXT NOT NULL,
    kind TEXT NOT NULL,
    node TEXT,
    key TEXT,
    value TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX records_by_run ON records (run_id, plugin, kind);
  ALTER TABLE node_runs ADD COLUMN reason TEXT;
  ALTER TABLE runs ADD COLUMN process_started TEXT;
  `,
];

/** The schema version this release writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;
