/** Built-in plugins, each built on the public hook API only. */
export { progressPlugin, PROGRESS_PLUGIN_NAME, formatSummary } from './progress/index.ts';
export type {
  ProgressOptions,
  ProgressMode,
  FormatSummaryOptions,
  ProgressStatus,
  SummaryRow,
} from './progress/index.ts';
export {
  stepHooksPlugin,
  STEP_HOOKS_PLUGIN_NAME,
  StepHookConfigError,
  StepHookReferenceError,
} from './step-hooks/index.ts';
export type { StepHooksOptions, StepHooksPlugin, StepHookFailure, StepHookKind } from './step-hooks/index.ts';
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
} from './alerts/index.ts';
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
} from './alerts/index.ts';
export { vizPlugin, VIZ_PLUGIN_NAME, VIZ_ANNOTATION_TOPIC } from './viz/index.ts';
export type { VizPluginOptions, VizAnnotation } from './viz/index.ts';
export {
  validationPlugin,
  VALIDATION_PLUGIN_NAME,
  EXPECTATION_NAMES,
  DatasetValidationError,
  ValidationConfigError,
  ValidationSettingsError,
  describeFailure,
} from './validation/index.ts';
export type {
  ValidationOptions,
  ValidationPlugin,
  DatasetValidation,
  Expectation,
  CustomExpectation,
  CustomFailure,
  Columns,
  ValidationMode,
} from './validation/index.ts';
export {
  preflightPlugin,
  PREFLIGHT_PLUGIN_NAME,
  PreflightError,
  runPreflight,
  formatProblem,
} from './preflight/index.ts';
export type {
  PreflightOptions,
  PreflightChecks,
  PreflightProblem,
  PreflightCheckName,
  PreflightSubject,
} from './preflight/index.ts';
export {
  incrementalPlugin,
  INCREMENTAL_PLUGIN_NAME,
  INCREMENTAL_DECISION_TOPIC,
  INCREMENTAL_STATE_FOLDER,
} from './incremental/index.ts';
export type { IncrementalOptions, IncrementalDecision } from './incremental/index.ts';
export {
  trackingPlugin,
  TRACKING_PLUGIN_NAME,
  TRACKING_ENV,
  trackingEnabledByEnvironment,
} from './tracking/index.ts';
export type { TrackingOptions, TrackingPlugin } from './tracking/index.ts';
