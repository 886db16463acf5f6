import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { StatsD } from 'hot-shots';
import type { DataCatalog, Node, ProjectContext, SluicePlugin } from '../../plugin-api/index.ts';
import { definePlugin, isRelayed } from '../../plugin-api/index.ts';
// node:http loads only for a run that serves or pushes metrics, not on every run.
import type { MetricsEndpoint } from './metrics-endpoint.ts';
import { ReportedOnce } from './reported-once.ts';
import type { RunMetrics } from './run-metrics.ts';
import { statsdPart } from './statsd-names.ts';
import type { PrometheusSettings, StatsdSettings } from './telemetry-config.ts';
import { loadTelemetrySettings } from './telemetry-config.ts';
import { importOptional } from '../../plugin-api/index.ts';

/** The metrics plugin's name, as registered (and as `disableHooksForPlugins` names it). */
export const METRICS_PLUGIN_NAME = 'sluice:metrics';

/** Options of {@link metricsPlugin}; each exporter given here replaces its block of telemetry.yml. */
export interface MetricsOptions {
  readonly prometheus?: PrometheusSettings | false | undefined;
  readonly statsd?: StatsdSettings | false | undefined;
  /** Where the endpoint's address and exporter failures go. Default: stderr. */
  readonly log?: ((line: string) => void) | undefined;
}

export interface MetricsPlugin extends SluicePlugin {
  readonly name: string;
  /** The `/metrics` address while a run lasts; undefined otherwise. */
  readonly metricsUrl: string | undefined;
  /** The Prometheus registry of this plugin's runs; undefined until a run with Prometheus started. */
  readonly registry: RunMetrics['registry'] | undefined;
}

interface RunState {
  pipeline: string;
  /** Prometheus's metrics, when it is configured (StatsD alone records none). */
  metrics: RunMetrics | undefined;
  catalog: DataCatalog | undefined;
  startedAt: number;
  endpoint: MetricsEndpoint | undefined;
  statsd: StatsD | undefined;
  /** Sizes of saved files being read: awaited (within the timeout) before the run's metrics are final. */
  pending: Set<Promise<void>>;
  ended: boolean;
}

/**
 * Node and run metrics for Prometheus (a `/metrics` endpoint while the run lasts, or a push to a
 * Pushgateway when it ends) and StatsD (`<prefix><pipeline>.<node>.duration|failure|retry|skipped`).
 * Configured by the `prometheus` and `statsd` blocks of conf/<env>/telemetry.yml; idle without them.
 * It lives in the main process (`process: 'main'`) and sees every runner's nodes through relayed
 * events, so one endpoint serves a run whatever runs its nodes. A collector that is down is
 * reported once and never fails the run.
 */
export function metricsPlugin(options: MetricsOptions = {}): MetricsPlugin {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  // prom-client and hot-shots load with the first run that uses them: every command and worker
  // registers this plugin, and most never export anything.
  let metrics: RunMetrics | undefined;
  let project: ProjectContext | undefined;
  let prometheus: PrometheusSettings | undefined = options.prometheus || undefined;
  let statsdSettings: StatsdSettings | undefined = options.statsd || undefined;
  const redact = (text: string) => project?.redact(text) ?? text;
  const failures = new ReportedOnce(log, () => redact);
  let run: RunState | undefined;

  const statsdNames = new Map<string, string>();
  /** The StatsD name of a node or dataset, made once per name. */
  const statsdName = (name: string): string => {
    let safe = statsdNames.get(name);
    if (safe === undefined) statsdNames.set(name, (safe = statsdPart(name)));
    return safe;
  };
  const sendStatsd = (send: (client: StatsD, base: string) => void) => {
    if (run?.statsd === undefined) return;
    send(run.statsd, statsdName(run.pipeline));
  };
  const nodeEnded = (node: Node, durationMs: number, error: Error | undefined) => {
    if (run === undefined) return;
    const status = error === undefined ? 'success' : 'failure';
    const metrics = run.metrics;
    if (metrics !== undefined) {
      metrics.nodeDuration.observe([run.pipeline, node.name, status], durationMs / 1000);
      if (error !== undefined) metrics.nodeFailures.inc({ pipeline: run.pipeline, node: node.name });
    }
    sendStatsd((client, base) => {
      const name = `${base}.${statsdName(node.name)}`;
      // The timer's count is the number of node runs; failures get a counter of their own.
      client.timing(`${name}.duration`, durationMs);
      if (error !== undefined) client.increment(`${name}.failure`);
    });
  };
  const saved = (datasetName: string, data: unknown) => {
    const metrics = run?.metrics;
    if (run === undefined || metrics === undefined) return;
    const labels = { pipeline: run.pipeline, dataset: datasetName };
    const rows = rowsOf(data);
    if (rows !== undefined) metrics.rowsWritten.inc(labels, rows);
    if (!isRelayed(data) && run.catalog?.isEphemeral(datasetName) !== false) return;
    const file = savedFile(datasetName, data, run.catalog);
    if (file === undefined) return;
    const measuring: Promise<void> = stat(file).then(
      (info) => {
        if (info.isFile()) metrics.bytesWritten.inc(labels, info.size);
      },
      () => {},
    );
    run.pending.add(measuring);
    void measuring.finally(() => run?.pending.delete(measuring));
  };
  const endRun = async (error: Error | undefined) => {
    const ending = run;
    if (ending === undefined || ending.ended) return;
    ending.ended = true;
    const status = error === undefined ? 'success' : 'failure';
    const seconds = (performance.now() - ending.startedAt) / 1000;
    await bounded(Promise.all(ending.pending), prometheus?.timeoutMs ?? 3000);
    const metrics = ending.metrics;
    metrics?.runDuration.set({ pipeline: ending.pipeline, status }, seconds);
    metrics?.runs.inc({ pipeline: ending.pipeline, status });
    metrics?.inProgress.set({ pipeline: ending.pipeline }, 0);
    sendStatsd((client, base) => {
      client.timing(`${base}.run.duration`, seconds * 1000);
      client.increment(`${base}.run.${status}`);
    });
    const closing: Promise<unknown>[] = [];
    if (ending.statsd !== undefined) {
      const client = ending.statsd;
      closing.push(new Promise<void>((resolve) => client.close(() => resolve())));
    }
    if (ending.endpoint !== undefined) closing.push(ending.endpoint.close());
    // The push has a deadline of its own (timeout_ms), so its failure is always reported before the run ends.
    const gateway = prometheus?.pushgateway;
    const pushed =
      gateway !== undefined && metrics !== undefined
        ? import('./metrics-endpoint.ts')
            .then(({ pushMetrics }) =>
              pushMetrics(metrics.registry, gateway, prometheus!.job, ending.pipeline, prometheus!.timeoutMs),
            )
            .catch((failure: unknown) => failures.failure('the Prometheus push', gateway, failure))
        : undefined;
    await Promise.all([pushed, bounded(Promise.all(closing), prometheus?.timeoutMs ?? 3000)]);
    run = undefined;
  };

  return definePlugin({
    name: METRICS_PLUGIN_NAME,
    process: 'main',
    get metricsUrl() {
      return run?.endpoint?.url;
    },
    get registry() {
      return metrics?.registry;
    },
    afterContextCreated({ context }) {
      project = context;
      const settings = loadTelemetrySettings(context.config);
      prometheus = options.prometheus === undefined ? settings.prometheus : options.prometheus || undefined;
      statsdSettings = options.statsd === undefined ? settings.statsd : options.statsd || undefined;
    },
    async beforePipelineRun({ runParams, catalog }) {
      failures.reset();
      if (prometheus === undefined && statsdSettings === undefined) return;
      if (prometheus !== undefined) {
        const { RunMetrics } = await importOptional(
          () => import('./run-metrics.ts'),
          ['prom-client'],
          'Prometheus metrics (the prometheus block of telemetry.yml, or metricsPlugin({ prometheus }))',
        );
        metrics ??= new RunMetrics();
      }
      const state: RunState = {
        pipeline: runParams.pipelineName,
        metrics: prometheus === undefined ? undefined : metrics,
        catalog,
        startedAt: performance.now(),
        endpoint: undefined,
        statsd: undefined,
        pending: new Set(),
        ended: false,
      };
      state.metrics?.inProgress.set({ pipeline: state.pipeline }, 1);
      if (statsdSettings !== undefined) {
        const target = `${statsdSettings.host}:${statsdSettings.port}`;
        const { default: StatsDClient } = await importOptional(
          () => import('hot-shots'),
          ['hot-shots'],
          'StatsD metrics (the statsd block of telemetry.yml, or metricsPlugin({ statsd }))',
        );
        state.statsd = new StatsDClient({
          host: statsdSettings.host,
          port: statsdSettings.port,
          prefix: statsdSettings.prefix,
          maxBufferSize: 1400,
          bufferFlushInterval: 250,
          // close() waits this long for sends to drain, at least once: the end of the run waits for it.
          closingFlushInterval: 5,
          errorHandler: (error) => failures.failure('StatsD', target, error),
        });
      }
      if (prometheus?.port !== undefined && state.metrics !== undefined) {
        const { MetricsEndpoint } = await import('./metrics-endpoint.ts');
        const endpoint: MetricsEndpoint = new MetricsEndpoint(state.metrics.registry);
        try {
          log(
            `sluice: Prometheus metrics at ${await endpoint.listen(prometheus.host, prometheus.port)} while the run lasts.`,
          );
          state.endpoint = endpoint;
        } catch (error) {
          failures.failure('the Prometheus endpoint', `${prometheus.host}:${prometheus.port}`, error);
        }
      }
      run = state;
    },
    onNodeEnd({ node, error, durationMs }) {
      nodeEnded(node, durationMs, error);
    },
    onNodeRetry({ node }) {
      if (run === undefined) return;
      run.metrics?.nodeRetries.inc({ pipeline: run.pipeline, node: node.name });
      sendStatsd((client, base) => client.increment(`${base}.${statsdName(node.name)}.retry`));
    },
    onNodeSkipped({ node }) {
      if (run === undefined) return;
      run.metrics?.nodeSkips.inc({ pipeline: run.pipeline, node: node.name });
      sendStatsd((client, base) => client.increment(`${base}.${statsdName(node.name)}.skipped`));
    },
    afterDatasetSaved({ datasetName, data }) {
      saved(datasetName, data);
    },
    afterPipelineRun() {
      return endRun(undefined);
    },
    onPipelineError({ error }) {
      return endRun(error);
    },
  }) as unknown as MetricsPlugin;
}

/** Rows in saved data, where it has rows: arrays, and tables that count their rows. */
function rowsOf(data: unknown): number | undefined {
  if (Array.isArray(data)) return data.length;
  if (isRelayed(data)) return data.kind === 'object' || data.kind === 'string' ? undefined : data.size;
  const numRows = (data as { numRows?: unknown } | null)?.numRows;
  return typeof numRows === 'number' ? numRows : undefined;
}

/** The file a save wrote, from the dataset's public description (never its data). */
function savedFile(datasetName: string, data: unknown, catalog: DataCatalog | undefined): string | undefined {
  const description = isRelayed(data) ? data.description : catalog?.describe(datasetName);
  const filepath = description?.filepath;
  if (typeof filepath !== 'string') return undefined;
  if (description?.versioned !== true) return filepath;
  const version = catalog?.saveVersion;
  return version === undefined ? undefined : join(filepath, version, basename(filepath));
}

async function bounded(work: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}
