/**
 * `sluice`: the user's tier of the public API, exported by name. Plugin authors also import
 * `sluice/plugin` (src/plugin-api/index.ts) and dataset authors `sluice/dataset`
 * (src/dataset-api/index.ts); anything else under src/ is internal. test/api/public-api.txt lists
 * every name, so that a change to this surface is made on purpose.
 */

// Errors: the base class every Sluice error extends.
export { SluiceError } from './errors.ts';
export { MissingPackageError } from './optional-package.ts';

// Nodes: `node()` and the types its signature checks wiring with.
export { node, Node } from './pipeline/node.ts';
export type { AnyNodeFunction, NodeChanges } from './pipeline/node.ts';
export type { NodeBehaviour, NodeBehaviourName, NodeOptions } from './pipeline/options.ts';
export type { RetryPolicy } from './pipeline/retry-policy.ts';
export type {
  ArgumentsFor,
  Awaitable,
  CheckArity,
  DatasetValues,
  DatasetWiring,
  InputType,
  NodeFunction,
  OutputType,
  ResultFor,
  SluiceDatasets,
  WiringMismatch,
} from './pipeline/wiring.ts';

// Step hooks: per-node callbacks (`onFailure`, `onSuccess`, `onRetry`) and their contexts.
export type {
  StepFailureContext,
  StepHook,
  StepHookContext,
  StepHookReference,
  StepHooks,
  StepRetryContext,
  StepSuccessContext,
} from './pipeline/step-hook.ts';

// Pipelines: `Pipeline` with Kedro's filters and set operations, modular `pipeline()`.
export { Pipeline } from './pipeline/pipeline.ts';
export type { EdgeJSON, NodeJSON, PipelineFilter, PipelineJSON } from './pipeline/pipeline.ts';
export type { RegisteredPipelines } from './pipeline/registered-pipelines.ts';
export { pipeline } from './pipeline/modular-pipeline.ts';
export type { ModularPipelineOptions, NameMapping } from './pipeline/modular-pipeline.ts';
export {
  CircularDependencyError,
  DuplicateNodeNameError,
  EmptyPipelineError,
  NodeDefinitionError,
  NodeInputError,
  NodeOutputError,
  OutputNotUniqueError,
  PipelineError,
  TranscodingError,
  UnknownDatasetError,
  UnknownNamespaceError,
  UnknownNodeError,
} from './pipeline/errors.ts';

// Catalog: the data catalog and its errors.
export { DataCatalog } from './io/catalog.ts';
export type {
  DataCatalogOptions,
  CatalogFromConfigOptions,
  AddDatasetOptions,
  CatalogFilter,
} from './io/catalog.ts';
export type { CatalogEntry } from './io/catalog-config.ts';
export type {
  AppliedRewrite,
  DatasetLocation,
  LocationRewrite,
  LocationRewriter,
  LocationTarget,
} from './io/catalog-locations.ts';
export { CatalogResolver } from './io/catalog-resolver.ts';
export type { ConfigLocator, ResolvedCatalogEntry, CatalogResolverOptions } from './io/catalog-resolver.ts';
export { CatalogError, CatalogAggregateError } from './io/catalog-errors.ts';
export type { CatalogErrorDetails } from './io/catalog-errors.ts';

// Datasets: the interface, custom dataset types for sluice.config.ts, and the built-in types.
export type { Dataset, DatasetDescription, SaveResult } from './io/dataset.ts';
export { DatasetError } from './io/dataset.ts';
export type { DatasetFactory, DatasetFactoryContext } from './io/dataset-registry.ts';
export { DatasetTypeRegistry } from './io/dataset-registry.ts';
export { createDatasetTypeRegistry } from './io/builtin-datasets.ts';
export { MemoryDataset } from './io/datasets/memory.ts';
export type { CopyMode, MemoryDatasetOptions } from './io/datasets/memory.ts';
export { JsonDataset } from './io/datasets/json.ts';
export type { JsonDatasetOptions } from './io/datasets/json.ts';
export { MetricsDataset } from './io/datasets/metrics.ts';
export type { Metrics, MetricsDatasetOptions } from './io/datasets/metrics.ts';
export { JsonLinesDataset } from './io/datasets/jsonl.ts';
export type { JsonLinesDatasetOptions } from './io/datasets/jsonl.ts';
export { TextDataset } from './io/datasets/text.ts';
export type { TextDatasetOptions } from './io/datasets/text.ts';
export { BinaryDataset } from './io/datasets/binary.ts';
export type { BinaryDatasetOptions } from './io/datasets/binary.ts';
export { CsvDataset } from './io/datasets/csv.ts';
export type {
  CsvDatasetOptions,
  CsvLoadArgs,
  CsvSaveArgs,
  CsvRow,
  CsvColumnType,
} from './io/datasets/csv.ts';
export { ExcelDataset } from './io/datasets/excel.ts';
export type { ExcelDatasetOptions, ExcelRow } from './io/datasets/excel.ts';
export { PartitionedDataset } from './io/datasets/partitioned.ts';
export type {
  PartitionedDatasetOptions,
  PartitionedDatasetSettings,
  PartitionDatasetConfig,
  PartitionLoaders,
  PartitionData,
  PartitionsToSave,
} from './io/datasets/partitioned.ts';
export { ApiDataset } from './io/datasets/api.ts';
export type {
  ApiDatasetOptions,
  ApiDatasetSettings,
  ApiCredentials,
  HttpMethod,
  QueryParameters,
} from './io/datasets/api.ts';
export type { Row, ArrowTable, TabularData, LoadShape } from './io/datasets/tabular-data.ts';
export type { ColumnKind } from './io/datasets/column-inference.ts';
export { DuckDBFileDataset } from './io/datasets/duckdb-file-dataset.ts';
export type { DuckDBFileLoadArgs, DuckDBFileSaveArgs } from './io/datasets/duckdb-file-dataset.ts';
export { ParquetDataset } from './io/datasets/parquet.ts';
export type { ParquetDatasetOptions, ParquetLoadArgs, ParquetSaveArgs } from './io/datasets/parquet.ts';
export { DuckDBCsvDataset } from './io/datasets/duckdb-csv.ts';
export type {
  DuckDBCsvDatasetOptions,
  DuckDBCsvLoadArgs,
  DuckDBCsvSaveArgs,
} from './io/datasets/duckdb-csv.ts';
export { SqlTableDataset } from './io/datasets/sql-table.ts';
export type { SqlTableDatasetOptions, IfExists } from './io/datasets/sql-table.ts';
export { SqlQueryDataset } from './io/datasets/sql-query.ts';
export type { SqlQueryDatasetOptions } from './io/datasets/sql-query.ts';
export type { PostgresCredentials, PostgresTarget } from './io/datasets/postgres-connection.ts';
export { DuckDBTableDataset } from './io/datasets/duckdb-table.ts';
export type { DuckDBTableDatasetOptions } from './io/datasets/duckdb-table.ts';
export { DuckDBQueryDataset } from './io/datasets/duckdb-query.ts';
export type { DuckDBQueryDatasetOptions } from './io/datasets/duckdb-query.ts';

// Session: settings (sluice.config.ts), sessions, and running a pipeline from code.
export {
  defineConfig,
  loadSettings,
  ProjectSettings,
  SettingsError,
  DEFAULT_PIPELINE,
} from './project/settings.ts';
export type {
  SluiceConfig,
  PipelineSource,
  RunnerSettings,
  DistributedSettings,
  IncrementalSettings,
} from './project/settings.ts';
export { Session } from './session/session.ts';
export { planResume, NothingToResumeError } from './session/resume-run.ts';
export type { ResumePlan } from './session/resume-run.ts';
export { readLastRun, LAST_RUN_FILE } from './session/run-record.ts';
export type { RecordedRun, RecordedRunStatus } from './session/run-record.ts';
export type { SessionOptions, SessionRunOptions, RunReport } from './session/session.ts';
export type { UnsavedOutput } from './session/unsaved-outputs.ts';
export type { ProjectContext } from './run-types/project-context.ts';
export type { RunParams, RunResult } from './run-types/run-params.ts';
export { defaultRunParams } from './run-types/run-params.ts';
export { runPipeline } from './session/run-pipeline.ts';
export { checkRun } from './session/check-run.ts';
export type { RunCheck } from './session/check-run.ts';
export { RunNotStartedError, UnknownTagsError } from './session/errors.ts';
export { SLUICE_VERSION } from './version.ts';

// Runners: the built-in runners, the `Runner` interface for custom ones, and run errors.
export { SequentialRunner } from './runner/sequential-runner.ts';
export { AsyncRunner } from './runner/async-runner.ts';
export type { AsyncRunnerOptions } from './runner/async-runner.ts';
export { ParallelRunner, ParallelRunnerError } from './runner/parallel/parallel-runner.ts';
export type { ParallelRunnerOptions } from './runner/parallel/parallel-runner.ts';
export type { NodePlacementReason, ParallelTraceEvent } from './runner/parallel/trace.ts';
export { DistributedRunner } from './runner/distributed/distributed-runner.ts';
export type { DistributedRunnerOptions } from './runner/distributed/distributed-runner.ts';
export {
  DistributedRunnerError,
  RedisUnreachableError,
  NoWorkerError,
  ProjectMismatchError,
  CoordinatorLostError,
  RedisLostError,
  ExchangeValueTooLargeError,
  ExchangeValueNotSerializableError,
} from './runner/distributed/errors.ts';
export type { Runner, RunOptions, RunState, RunWarmUp, ProjectReference } from './runner/runner.ts';
export { RetryHandedBack, runNode } from './runner/run-node.ts';
export type { NodeResume, NodeRunContext } from './runner/run-node.ts';
export { SharedLoads } from './runner/shared-loads.ts';
export {
  RunCancelledError,
  MissingInputsError,
  InputOverrideError,
  NodeFailuresError,
  NodeSkipError,
  PluginHookError,
  NodeDataError,
  FrozenInputError,
} from './runner/errors.ts';
export type { NodeFailure } from './runner/errors.ts';

// Plugins: writing one (`definePlugin`, the hook specs), a manager to run with, the built-in ones.
export { createHookManager, definePlugin } from './hooks/sluice-manager.ts';
export type { SluiceHookManager, SluicePlugin } from './hooks/sluice-manager.ts';
export type {
  HookSpecs,
  InputOverrides,
  NodeDurationEstimates,
  NodeSkip,
  ProjectMetadata,
  WorkerName,
} from './hooks/specs.ts';
export type { HookArgs, HookName, HookReturn, ImplementationOrder } from './hooks/plugin.ts';
export { HookRegistrationError, HookCallError } from './hooks/errors.ts';
export { PluginDiscoveryError } from './hooks/discovery.ts';
export { progressPlugin, PROGRESS_PLUGIN_NAME, formatSummary } from './plugins/progress/index.ts';
export {
  incrementalPlugin,
  INCREMENTAL_PLUGIN_NAME,
  INCREMENTAL_DECISION_TOPIC,
} from './plugins/incremental/index.ts';
export type { IncrementalOptions, IncrementalDecision } from './plugins/incremental/index.ts';
export type {
  ProgressOptions,
  ProgressMode,
  FormatSummaryOptions,
  ProgressStatus,
  SummaryRow,
} from './plugins/progress/index.ts';
export {
  STEP_HOOKS_PLUGIN_NAME,
  StepHookConfigError,
  StepHookReferenceError,
} from './plugins/step-hooks/index.ts';
// With `sluice#alertOnFailure` and `sluice#alertOnSuccess` resolving to the alert hooks.
export { stepHooksPlugin } from './plugins/default-plugins.ts';
export type {
  StepHooksOptions,
  StepHooksPlugin,
  StepHookFailure,
  StepHookKind,
  DescribedStepHook,
  DescribedStepHooks,
  SettingSource,
} from './plugins/step-hooks/index.ts';
export {
  alertsPlugin,
  ALERTS_PLUGIN_NAME,
  alertOnFailure,
  alertOnSuccess,
  AlertConfigError,
  AlertDeliveryError,
  AlertsFailedError,
  slackMessage,
  webhookPayload,
  webhookSignature,
  SIGNATURE_HEADER,
  emailMessage,
} from './plugins/alerts/index.ts';
export { pathsPlugin, PATHS_PLUGIN_NAME, PathRulesError } from './plugins/paths/index.ts';
export type { PathsOptions } from './plugins/paths/index.ts';
export {
  branchDataPlugin,
  BRANCH_DATA_PLUGIN_NAME,
  BranchDataConfigError,
  branchPath,
  safeBranchName,
} from './plugins/branch-data/index.ts';
export type { BranchDataOptions } from './plugins/branch-data/index.ts';
export {
  telemetryPlugin,
  TELEMETRY_PLUGIN_NAME,
  metricsPlugin,
  METRICS_PLUGIN_NAME,
  TelemetryConfigError,
} from './plugins/telemetry/index.ts';
export type {
  TelemetryOptions,
  MetricsOptions,
  MetricsPlugin,
  OtlpSettings,
  PrometheusSettings,
  StatsdSettings,
  TelemetrySettings,
} from './plugins/telemetry/index.ts';
export type {
  AlertsOptions,
  AlertsPlugin,
  Alert,
  AlertKind,
  AlertError,
  AlertSummary,
  SlackMessage,
  SlackBlock,
  WebhookPayload,
  EmailMessage,
} from './plugins/alerts/index.ts';
export {
  validationPlugin,
  VALIDATION_PLUGIN_NAME,
  EXPECTATION_NAMES,
  DatasetValidationError,
  ValidationConfigError,
  ValidationSettingsError,
  describeFailure,
} from './plugins/validation/index.ts';
export type {
  ValidationOptions,
  ValidationPlugin,
  DatasetValidation,
  Expectation,
  CustomExpectation,
  CustomFailure,
  Columns,
  ValidationMode,
} from './plugins/validation/index.ts';
export type {
  DatasetValidationResult,
  ExpectationOutcome,
  ValidationIssue,
  ValidationStage,
  ValidationStatus,
} from './run-types/dataset-validation.ts';
export type { DatasetAnnotations } from './io/catalog-annotations.ts';
export { vizPlugin, VIZ_PLUGIN_NAME, VIZ_ANNOTATION_TOPIC } from './plugins/viz/index.ts';
export type { VizPluginOptions, VizAnnotation } from './plugins/viz/index.ts';
export { trackingPlugin, TRACKING_PLUGIN_NAME, TRACKING_ENV } from './plugins/tracking/index.ts';
export type { TrackingOptions, TrackingPlugin } from './plugins/tracking/index.ts';
export { openRunStore } from './run-store/index.ts';
export type { RunDetail, RunStatus, RunSummary } from './run-store/index.ts';

// Config: `conf/<env>` layering, YAML with line numbers, interpolation, and their errors.
export { ConfigLoader, DEFAULT_CONFIG_PATTERNS } from './config/config-loader.ts';
export type { ConfigLoaderOptions } from './config/config-loader.ts';
export type { MergeStrategy } from './config/config-tree.ts';
export { CONFIG_LIMITS } from './config/limits.ts';
export {
  ConfigError,
  ConfigSyntaxError,
  ConfigShapeError,
  DuplicateConfigKeyError,
  InterpolationError,
  ConfigEnvironmentError,
} from './config/errors.ts';
export {
  preflightPlugin,
  PREFLIGHT_PLUGIN_NAME,
  PreflightError,
  runPreflight,
  formatProblem,
} from './plugins/preflight/index.ts';
export type {
  PreflightOptions,
  PreflightChecks,
  PreflightProblem,
  PreflightCheckName,
  PreflightSubject,
} from './plugins/preflight/index.ts';
