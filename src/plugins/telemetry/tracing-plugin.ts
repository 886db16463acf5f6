import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { DataCatalog, ProjectContext, SluicePlugin } from '../../plugin-api/index.ts';
import { definePlugin } from '../../plugin-api/index.ts';
import { ReportedOnce } from './reported-once.ts';
import type { RunTracer } from './run-tracer.ts';
import type * as TracingRuntime from './tracing-runtime.ts';
import type { RelayedSpan } from './span-relay.ts';
import { SPANS_TOPIC } from './span-relay.ts';
import type { OtlpSettings } from './telemetry-config.ts';
import { loadTelemetrySettings } from './telemetry-config.ts';
import { importOptional } from '../../plugin-api/index.ts';

/** What tracing imports: optional peer dependencies of Sluice. */
const OPENTELEMETRY_PACKAGES = [
  '@opentelemetry/api',
  '@opentelemetry/core',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/resources',
  '@opentelemetry/sdk-trace-base',
];

/** The tracing plugin's name, as registered (and as `disableHooksForPlugins` names it). */
export const TELEMETRY_PLUGIN_NAME = 'sluice:telemetry';

/** Options of {@link telemetryPlugin}. */
export interface TelemetryOptions {
  /** Replaces the `otlp` block of telemetry.yml (`false`: no traces). */
  readonly otlp?: OtlpSettings | false | undefined;
  /** Export spans through this exporter instead of OTLP/HTTP (tests, a no-op exporter for benchmarks). */
  readonly spanExporter?: SpanExporter | undefined;
  /** `service.name` of the spans. Default: `OTEL_SERVICE_NAME`, else `sluice`. */
  readonly serviceName?: string | undefined;
  /**
   * Spans for loads and saves of memory datasets too (in-process handovers, no I/O). Default
   * false: only datasets that persist somewhere get dataset spans.
   */
  readonly memoryDatasetSpans?: boolean | undefined;
  /** Where exporter failures go (once per run). Default: stderr. */
  readonly log?: ((line: string) => void) | undefined;
}

/**
 * OpenTelemetry traces of a run: a `run <pipeline>` span, a `node <name>` child per node
 * (attempts, retries as events, the error), and `load <dataset>`/`save <dataset>` children per
 * load and save of a persisted dataset (type and rows where known, never data values; memory
 * handovers only with `memoryDatasetSpans`). Exported over OTLP/HTTP by a
 * batch processor, so nodes never wait for the collector.
 *
 * It runs wherever nodes run. In a worker thread or a distributed worker it posts each finished
 * span to the main process (`context.post`), which adopts it into the run's trace: the worker's
 * node span becomes a child of the run span. A `TRACEPARENT` variable makes the run span a child
 * of the caller's trace. Configured by the `otlp` block of conf/<env>/telemetry.yml.
 */
export function telemetryPlugin(options: TelemetryOptions = {}): SluicePlugin & { readonly name: string } {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  let project: ProjectContext | undefined;
  let otlp: OtlpSettings | undefined = options.otlp || undefined;
  let tracer: RunTracer | undefined;
  let catalogOfRun: DataCatalog | undefined;
  const redact = (text: string) => project?.redact(text) ?? text;
  const failures = new ReportedOnce(log, () => redact);
  const enabled = () => otlp !== undefined || options.spanExporter !== undefined;

  // The OpenTelemetry SDK loads once tracing is configured: every command and worker registers
  // this plugin, and most never trace.
  let runtime: typeof TracingRuntime | undefined;
  const load = async (): Promise<void> => {
    runtime ??= await importOptional(
      () => import('./tracing-runtime.ts'),
      OPENTELEMETRY_PACKAGES,
      'Tracing (the otlp block of telemetry.yml, or telemetryPlugin({ otlp | spanExporter }))',
    );
  };
  /** This process's tracer: exporting in the main process, posting spans to it from any other. */
  const tracerFor = (main: boolean): RunTracer | undefined => {
    if (tracer !== undefined || !enabled() || runtime === undefined) return tracer;
    const { RunTracer, reportingExporter, OTLPTraceExporter } = runtime;
    const timeoutMs = otlp?.timeoutMs ?? 3000;
    let exporter: SpanExporter | undefined;
    if (main) {
      const target = otlp?.url ?? 'the span exporter';
      exporter = reportingExporter(
        options.spanExporter ??
          new OTLPTraceExporter({ url: otlp!.url, headers: { ...otlp!.headers }, timeoutMillis: timeoutMs }),
        (error) => failures.failure('span export', target, error),
      );
    }
    const post = (span: RelayedSpan) => project?.post(SPANS_TOPIC, span);
    tracer = new RunTracer(
      { exporter, post, flushTimeoutMs: timeoutMs },
      options.serviceName ?? process.env.OTEL_SERVICE_NAME ?? 'sluice',
    );
    return tracer;
  };
  const types = new Map<string, string>();
  const typeOf = (datasetName: string): string => {
    let type = types.get(datasetName);
    if (type === undefined) {
      try {
        type = catalogOfRun?.typeOf(datasetName) ?? 'unknown';
      } catch {
        type = 'unknown';
      }
      types.set(datasetName, type);
    }
    return type;
  };
  const traced = (datasetName: string): boolean =>
    tracer !== undefined &&
    (options.memoryDatasetSpans === true || catalogOfRun?.isEphemeral(datasetName) !== true);
  const endRun = async (error: Error | undefined) => {
    const ending = tracer;
    tracer = undefined;
    if (ending === undefined) return;
    const exported = await ending.endRun(error === undefined ? 'success' : 'failure', error, redact);
    // Reported here, not when the export gives up later: the run's report is complete when it ends.
    if (!exported) {
      const timeoutMs = otlp?.timeoutMs ?? 3000;
      failures.failure('span export', otlp?.url ?? 'the span exporter', `no answer within ${timeoutMs} ms`);
    }
  };

  return definePlugin({
    name: TELEMETRY_PLUGIN_NAME,
    afterContextCreated({ context }) {
      project = context;
      if (options.otlp === undefined) otlp = loadTelemetrySettings(context.config).otlp;
      return enabled() ? load() : undefined;
    },
    async beforePipelineRun({ runParams, catalog }) {
      failures.reset();
      if (!enabled()) return;
      await load();
      catalogOfRun = catalog;
      types.clear();
      tracerFor(true)?.startRun(
        {
          'sluice.run_id': runParams.runId,
          'sluice.pipeline': runParams.pipelineName,
          'sluice.env': runParams.env,
          'sluice.runner': runParams.runner,
          'sluice.version': runParams.sluiceVersion,
        },
        process.env.TRACEPARENT,
      );
    },
    onRunMessage({ topic, message }) {
      if (topic === SPANS_TOPIC) tracer?.adopt(message as RelayedSpan);
    },
    onNodeStart({ node, catalog, runId }) {
      catalogOfRun ??= catalog;
      tracerFor(false)?.startNode(node.name, {
        'sluice.run_id': runId,
        'sluice.pipeline': project?.pipelineName ?? '__default__',
        'sluice.node': node.name,
      });
    },
    onNodeRetry({ node, attempt, error }) {
      tracer?.retry(node.name, attempt, error, redact);
    },
    onNodeEnd({ node, attempts, error }) {
      tracer?.endNode(node.name, { attempts, error }, redact);
    },
    onNodeSkipped({ node, runId, reason }) {
      const current = tracerFor(false);
      if (current === undefined) return;
      current.startNode(node.name, {
        'sluice.run_id': runId,
        'sluice.pipeline': project?.pipelineName ?? '__default__',
        'sluice.node': node.name,
      });
      current.endNode(node.name, { attempts: 0, error: undefined, skipped: reason }, redact);
    },
    beforeDatasetLoaded({ datasetName, node }) {
      if (traced(datasetName)) tracer!.startDataset(node.name, 'load', datasetName, typeOf(datasetName));
    },
    afterDatasetLoaded({ datasetName, node, data }) {
      tracer?.endDataset(node.name, 'load', datasetName, rowsOf(data));
    },
    beforeDatasetSaved({ datasetName, node }) {
      if (traced(datasetName)) tracer!.startDataset(node.name, 'save', datasetName, typeOf(datasetName));
    },
    afterDatasetSaved({ datasetName, node, data }) {
      tracer?.endDataset(node.name, 'save', datasetName, rowsOf(data));
    },
    afterPipelineRun() {
      return endRun(undefined);
    },
    onPipelineError({ error }) {
      return endRun(error);
    },
  });
}

function rowsOf(data: unknown): number | undefined {
  if (Array.isArray(data)) return data.length;
  const numRows = (data as { numRows?: unknown } | null)?.numRows;
  return typeof numRows === 'number' ? numRows : undefined;
}
