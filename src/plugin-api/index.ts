/**
 * `sluice/plugin`: the plugin author's tier. A plugin needs only this import: the hook surface
 * that `sluice` also exports (`definePlugin`, the hook specs, the contexts hooks receive), and the
 * tools the built-in plugins use themselves, so that a third-party plugin can do what they do.
 * The built-in plugins under src/plugins/ import nothing else (test/api/plugin-imports.test.ts).
 */

// Writing a plugin: `definePlugin`, the hook specs and what hooks receive (also in `sluice`).
export { definePlugin } from '../hooks/sluice-manager.ts';
export type { SluicePlugin } from '../hooks/sluice-manager.ts';
export type {
  HookSpecs,
  InputOverrides,
  NodeDurationEstimates,
  NodeSkip,
  ProjectMetadata,
  WorkerName,
} from '../hooks/specs.ts';
export type { HookArgs, HookName, HookReturn, ImplementationOrder } from '../hooks/plugin.ts';
export type { ProjectContext } from '../run-types/project-context.ts';
export type { RunParams, RunResult } from '../run-types/run-params.ts';
export type { Node } from '../pipeline/node.ts';
export type { NodeBehaviourName } from '../pipeline/options.ts';
export type { Pipeline } from '../pipeline/pipeline.ts';
export type { RegisteredPipelines } from '../pipeline/registered-pipelines.ts';
export type { RetryPolicy } from '../pipeline/retry-policy.ts';
export type { StepHook, StepHookContext, StepHookReference } from '../pipeline/step-hook.ts';
export { stepHookLabel } from './step-hook-label.ts';
export type { DataCatalog } from '../io/catalog.ts';
export type { DatasetDescription } from '../io/dataset.ts';
// Moving datasets after the catalog is created (path rules, branch data): `catalog.rewriteLocations`.
export type {
  AppliedRewrite,
  DatasetLocation,
  LocationRewrite,
  LocationRewriter,
  LocationTarget,
} from '../io/catalog-locations.ts';
export { LOCATION_KEYS } from '../io/catalog-locations.ts';
export type { ConfigLoader } from '../config/config-loader.ts';
export { loadSettings } from '../project/settings.ts';

// Errors a plugin throws or inspects (also in `sluice`).
export { SluiceError, asError } from '../errors.ts';
// Optional packages: a plugin imports its heavy library at first use, and a missing one names itself.
export { MissingPackageError, importOptional } from '../optional-package.ts';
// Checks and descriptions of configuration values, for a plugin reading its own YAML.
export { describeValue, isMapping } from '../values.ts';
export { ConfigError } from '../config/errors.ts';
export { NodeDataError, NodeFailuresError, NodeSkipError, PluginHookError } from '../runner/errors.ts';

// Hook managers: the pluggy-grade core, for tools that host plugins of their own or inspect calls.
export { HookManager } from '../hooks/manager.ts';
export type { HookCallers } from '../hooks/manager.ts';
export type { HookCaller, ImplementationInfo } from '../hooks/hook-caller.ts';
export type { HookSpecDefinition } from '../hooks/spec-definition.ts';
export type {
  HookCallResult,
  HookHandler,
  HookImplementation,
  NoUnknownHooks,
  ObjectFormHandler,
  PluginOf,
  WrapperHandler,
} from '../hooks/plugin.ts';
export type { FirstResultHookName } from '../hooks/sluice-manager.ts';
export type { FirstResultHookSpecs } from '../hooks/specs.ts';
export { SLUICE_HOOK_SPECS } from '../hooks/specs.ts';
export type { HookMonitor, HookCallStart, HookCallEnd, HookImplementationTiming } from '../hooks/monitor.ts';
export { HookTracer } from '../hooks/trace.ts';
export type { HookCallRecord, HookProfileRow } from '../hooks/trace.ts';
export { hookFailureSource } from '../hooks/failure-source.ts';
export type { HookFailureSource } from '../hooks/failure-source.ts';
export { discoverPlugins } from '../hooks/discovery.ts';
export type { DiscoveredPlugin, DiscoveryResult } from '../hooks/discovery.ts';

// Relayed events: what a main-process plugin receives from nodes run in other processes.
export { RelayedData, isRelayed } from '../runner/relay.ts';
export type { RelayedEvent } from '../runner/relay.ts';

// Node outcomes: step outcomes from the node lifecycle hooks, with the node's parameters.
export { endStepOutcome, retryStepOutcome } from './step-outcome.ts';
export type { StepOutcome } from './step-outcome.ts';
export { isParameterName, PARAMS_PREFIX, PARAMETERS_DATASET } from '../io/catalog-parameters.ts';
export {
  TRANSCODING_SEPARATOR,
  isTranscoded,
  splitTranscoding,
  stripTranscoding,
} from '../pipeline/transcoding.ts';

// Files: whole-or-nothing writes, for plugins that keep state on disk.
export { writeAtomically, writeFileAtomically } from '../io/atomic-write.ts';

// Secrets: masking credentials in anything a plugin prints or sends.
export { Redactor, REDACTION_MASK, isSecretName } from '../secrets/redactor.ts';

// Messages and project modules: locations, "did you mean", importing a project's TypeScript.
export type { ConfigLocation } from '../io/dataset.ts';
export { formatLocation } from '../config/location.ts';
export { didYouMean, nearest } from '../suggest.ts';
export { importModule } from '../module-loader.ts';
export type { MaybePromise } from '../maybe-promise.ts';
export { isPromiseLike } from '../maybe-promise.ts';
export { isDeeplyFrozen } from '../io/deep-freeze.ts';

// Data checks: rejecting a node's data, announcing results, naming code from YAML.
export { announce } from './announce.ts';
export type { AnnouncedHookName } from './announce.ts';
export { ModuleReferences, ModuleReferenceError, parseModuleReference } from './module-reference.ts';
export type { ExportCheck, ModuleReferencesOptions, ParsedReference } from './module-reference.ts';
export type { DatasetAnnotations } from '../io/catalog-annotations.ts';
export { ANNOTATION_KEYS } from '../io/catalog-annotations.ts';
export type {
  DatasetValidationResult,
  ExpectationOutcome,
  ValidationIssue,
  ValidationStage,
  ValidationStatus,
} from '../run-types/dataset-validation.ts';
export { ANNOUNCED_HOOKS } from '../hooks/specs.ts';
// The run store: recorded runs, read by tools and written by the tracking plugin (docs/tracking.md).
export {
  openRunStore,
  RunStore,
  RunRecorder,
  compareRuns,
  postRunRecord,
  isRunRecord,
  RUN_RECORD_TOPIC,
  shortRunId,
  runStorePath,
  SCHEMA_VERSION as RUN_STORE_SCHEMA_VERSION,
  AmbiguousRunIdError,
  RunNotFoundError,
  RunStoreError,
} from '../run-store/index.ts';
export type {
  ListRunsOptions,
  PruneResult,
  PluginRecordInput,
  RunStoreOptions,
  DatasetEventStats,
  RecorderOptions,
  RunStart,
  ComparedValue,
  RunComparison,
  ArtifactRecord,
  DatasetEventRecord,
  MetricPoint,
  NodeRunRecord,
  NodeRunStatus,
  PluginRecord,
  RunDetail,
  RunStatus,
  RunSummary,
} from '../run-store/index.ts';
export type { SaveResult } from '../io/dataset.ts';
export { dataShape } from '../io/data-shape.ts';
export type { DataShape } from '../io/data-shape.ts';
export { RunCancelledError } from '../runner/errors.ts';
