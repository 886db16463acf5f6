/**
 * What tracing loads once it is configured, in one dynamic import: the OpenTelemetry SDK costs
 * hundreds of milliseconds to import, and every command and worker registers the plugin.
 */
export { RunTracer } from './run-tracer.ts';
export { reportingExporter } from './reporting-exporter.ts';
export { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
