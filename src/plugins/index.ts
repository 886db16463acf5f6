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
  trackingPlugin,
  TRACKING_PLUGIN_NAME,
  TRACKING_ENV,
  trackingEnabledByEnvironment,
} from './tracking/index.ts';
export type { TrackingOptions, TrackingPlugin } from './tracking/index.ts';
