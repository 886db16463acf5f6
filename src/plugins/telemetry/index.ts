export { telemetryPlugin, TELEMETRY_PLUGIN_NAME } from './tracing-plugin.ts';
export type { TelemetryOptions } from './tracing-plugin.ts';
export { metricsPlugin, METRICS_PLUGIN_NAME } from './metrics-plugin.ts';
export type { MetricsOptions, MetricsPlugin } from './metrics-plugin.ts';
export { TelemetryConfigError } from './errors.ts';
export { TELEMETRY_CONFIG_KEY } from './telemetry-config.ts';
export type {
  OtlpSettings,
  PrometheusSettings,
  StatsdSettings,
  TelemetrySettings,
} from './telemetry-config.ts';
