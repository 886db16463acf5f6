import { SluiceError } from '../../errors.ts';

/** The distributed runner could not do its part: Redis, workers, the exchange. */
export class DistributedRunnerError extends SluiceError {}

/** Redis did not answer at the configured URL (shown with its credentials redacted). */
export class RedisUnreachableError extends DistributedRunnerError {
  constructor(redactedUrl: string, cause: unknown) {
    super(`Cannot reach Redis at ${redactedUrl}: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
      hint: 'Start Redis (`redis-server`, or `apt-get install -y redis-server`), or point the run at another one with runner.distributed.redisUrl in sluice.config.ts or SLUICE_REDIS_URL.',
    });
  }
}

/** Nothing takes the run's node jobs. */
export class NoWorkerError extends DistributedRunnerError {
  constructor(queue: string, waitedMs: number) {
    super(
      `No worker is listening on queue "${queue}" (waited ${Math.round(waitedMs / 100) / 10} s); start one with \`sluice worker${queue === 'sluice' ? '' : ` --queue ${queue}`}\`.`,
      {
        hint: 'Start workers from the project folder (or a copy of it) on any machine that reaches the same Redis; runner.distributed.waitForWorkersMs in sluice.config.ts sets how long a run waits for one.',
      },
    );
  }
}

/** A worker's copy of the project differs from the coordinator's: it refuses the job rather than run stale code. */
export class ProjectMismatchError extends DistributedRunnerError {
  constructor(nodeName: string, expected: string, actual: string, workerProjectPath: string) {
    super(
      `A worker refused node "${nodeName}": its project (${workerProjectPath}) has fingerprint ${actual}, but the run's coordinator has ${expected}.`,
      {
        hint: 'Settings, configuration (conf/base and the run environment) and project code must be the same on every worker: sync the project copy and restart its `sluice worker`.',
      },
    );
  }
}

/** Redis failed while a run used it (stopped, restarted, unreachable). */
export class RedisLostError extends DistributedRunnerError {
  constructor(redactedUrl: string, cause: unknown) {
    super(`Lost Redis at ${redactedUrl} mid-run: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
      hint: 'Check that Redis is running and reachable from every machine, then rerun (with --only-missing-outputs to skip the nodes whose outputs were saved).',
    });
  }
}

/** A distributed run's coordinator (the `sluice run` process) stopped renewing its heartbeat mid-run. */
export class CoordinatorLostError extends DistributedRunnerError {
  /**
   * The worker that reported the run lost through `onPipelineError`, when the coordinator lived on
   * to see it: the session rethrows the error without firing `onPipelineError` a second time.
   */
  readonly reportedBy: string | undefined;

  constructor(runId: string, queue: string, reportedBy?: string) {
    super(
      `The coordinator of run ${runId} (queue "${queue}") stopped answering: it was killed, or lost Redis, before the run ended. Its remaining node jobs were removed.`,
      {
        hint: 'Nodes that had finished kept their saved outputs; rerun the pipeline (with --only-missing-outputs to skip what is done).',
      },
    );
    this.reportedBy = reportedBy;
  }

  /** Its `onPipelineError` already fired in the worker that reported it. */
  get pipelineErrorReported(): boolean {
    return this.reportedBy !== undefined;
  }
}

const PERSIST_HINT = (datasetName: string) =>
  `Persist "${datasetName}" in the catalog (conf/base/catalog.yml, e.g. type: parquet or json with a filepath on storage every worker shares), so that it does not cross the exchange.`;

/** A memory dataset's value is bigger than the exchange takes. */
export class ExchangeValueTooLargeError extends DistributedRunnerError {
  constructor(datasetName: string, nodeName: string, bytes: number, limitBytes: number) {
    super(
      `Memory dataset "${datasetName}" written by node "${nodeName}" is ${formatBytes(bytes)} serialised, more than the exchange's limit of ${formatBytes(limitBytes)}.`,
      {
        hint: `${PERSIST_HINT(datasetName)} Or raise runner.distributed.exchangeLimitBytes in sluice.config.ts (Redis holds each value in memory).`,
      },
    );
  }
}

/** A memory dataset's value cannot be serialised to cross machines (a function, a socket, a class instance's methods). */
export class ExchangeValueNotSerializableError extends DistributedRunnerError {
  constructor(datasetName: string, nodeName: string, cause: unknown) {
    super(
      `Memory dataset "${datasetName}" written by node "${nodeName}" cannot cross to other workers: ${(cause as Error)?.message ?? String(cause)}`,
      { cause, hint: PERSIST_HINT(datasetName) },
    );
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
