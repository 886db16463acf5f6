/** The run store: every run of a project, recorded in `.sluice/runs.db` (SQLite, WAL). */
export { openRunStore, RunStore } from './run-store.ts';
export type { ListRunsOptions, PruneResult, PluginRecordInput, RunStoreOptions } from './run-store.ts';
export { RunRecorder } from './run-recorder.ts';
export type { DatasetEventStats, RecorderOptions, RunStart } from './run-recorder.ts';
export { compareRuns } from './compare.ts';
export type { ComparedValue, RunComparison } from './compare.ts';
export { RUN_RECORD_TOPIC, postRunRecord, isRunRecord } from './run-records.ts';
export { shortRunId } from './find-run.ts';
export { runStorePath } from './store-path.ts';
export { SCHEMA_VERSION } from './schema.ts';
export { AmbiguousRunIdError, RunNotFoundError, RunStoreError } from './errors.ts';
export type {
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
