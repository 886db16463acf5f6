import { Counter, Gauge, Registry } from 'prom-client';
import { FastHistogram } from './fast-histogram.ts';

/** Seconds, from a no-op node to an hour-long one. */
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600];

/** The Prometheus metrics of a project's runs, in a registry of their own (never prom-client's global one). */
export class RunMetrics {
  readonly registry = new Registry();
  /** Labels: pipeline, node, status. */
  readonly nodeDuration = new FastHistogram({
    name: 'sluice_node_duration_seconds',
    help: 'Time a node took, all its attempts together.',
    labelNames: ['pipeline', 'node', 'status'],
    buckets: DURATION_BUCKETS,
    registry: this.registry,
  });
  readonly nodeFailures = new Counter({
    name: 'sluice_node_failures_total',
    help: 'Nodes that failed after their last attempt.',
    labelNames: ['pipeline', 'node'] as const,
    registers: [this.registry],
  });
  readonly nodeRetries = new Counter({
    name: 'sluice_node_retries_total',
    help: 'Failed node attempts that were retried.',
    labelNames: ['pipeline', 'node'] as const,
    registers: [this.registry],
  });
  readonly nodeSkips = new Counter({
    name: 'sluice_node_skipped_total',
    help: 'Nodes a plugin decided not to run (up to date, or outputs served).',
    labelNames: ['pipeline', 'node'] as const,
    registers: [this.registry],
  });
  readonly rowsWritten = new Counter({
    name: 'sluice_dataset_rows_written_total',
    help: 'Rows saved to a dataset (where the data has rows: arrays and tables).',
    labelNames: ['pipeline', 'dataset'] as const,
    registers: [this.registry],
  });
  readonly bytesWritten = new Counter({
    name: 'sluice_dataset_bytes_written_total',
    help: 'Bytes of the files saved to file datasets.',
    labelNames: ['pipeline', 'dataset'] as const,
    registers: [this.registry],
  });
  readonly runDuration = new Gauge({
    name: 'sluice_run_duration_seconds',
    help: 'Duration of the last run of the pipeline.',
    labelNames: ['pipeline', 'status'] as const,
    registers: [this.registry],
  });
  readonly runs = new Counter({
    name: 'sluice_runs_total',
    help: 'Runs that ended, by status.',
    labelNames: ['pipeline', 'status'] as const,
    registers: [this.registry],
  });
  readonly inProgress = new Gauge({
    name: 'sluice_run_in_progress',
    help: '1 while a run of the pipeline goes on.',
    labelNames: ['pipeline'] as const,
    registers: [this.registry],
  });
}
