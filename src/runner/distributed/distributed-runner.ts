import type { SluiceHookManager } from '../../hooks/sluice-manager.ts';
import type { DataCatalog } from '../../io/catalog.ts';
import type { Pipeline } from '../../pipeline/pipeline.ts';
import type { DistributedSettings } from '../../project/settings.ts';
import type { RunResult } from '../../run-types/run-params.ts';
import type { RunOptions, Runner } from '../runner.ts';
import { coordinateRun } from './coordinate.ts';
import { DistributedRunnerError } from './errors.ts';
import { DEFAULT_EXCHANGE_LIMIT_BYTES } from './exchange-store.ts';
import { projectFingerprint } from './fingerprint.ts';
import { resolveRedisUrl } from './redis-url.ts';
import { loadBullmqTransport } from './load-transport.ts';

/** The queue coordinators and workers meet on when none is named. */
export const DEFAULT_QUEUE = 'sluice';
export const DEFAULT_WAIT_FOR_WORKERS_MS = 5000;
export const DEFAULT_RUN_TTL_MS = 24 * 60 * 60 * 1000;
/** A worker's heartbeat key lives this long (renewed three times as often). */
export const WORKER_HEARTBEAT_MS = 3000;
export const DEFAULT_COORDINATOR_HEARTBEAT_MS = 15_000;

/** Options of {@link DistributedRunner}: the project's `runner.distributed` settings, overridable. */
export type DistributedRunnerOptions = DistributedSettings;

/**
 * Runs nodes on `sluice worker` processes, on this machine or others, through BullMQ on Redis.
 * This process is the coordinator: the session fires the pipeline hooks here, exactly once, and
 * the runner enqueues each node's job once its producers are done. Workers run nodes with
 * `runNode`, so node and dataset hooks fire where the node runs; `process: 'main'` plugins get
 * them here, relayed, and `context.post` messages arrive as `onRunMessage`, as on the parallel
 * runner. Memory datasets cross machines through the exchange store (Redis). See docs/distributed.md.
 */
export class DistributedRunner implements Runner {
  readonly name: string = 'distributed';
  readonly options: DistributedRunnerOptions;

  constructor(options: DistributedRunnerOptions = {}) {
    this.options = options;
  }

  /** The queue this runner's jobs go on. */
  get queue(): string {
    return this.options.queue ?? DEFAULT_QUEUE;
  }

  async run(
    pipeline: Pipeline,
    catalog: DataCatalog,
    hooks: SluiceHookManager,
    options: RunOptions,
  ): Promise<RunResult> {
    const project = options.project;
    if (project === undefined) {
      throw new DistributedRunnerError(
        'The distributed runner needs the project reference: its workers open the project and look nodes up by name.',
        {
          hint: 'Run through a Session (or `sluice run --runner distributed`), or pass `project` in the run options.',
        },
      );
    }
    // BullMQ and ioredis load only when a run is distributed.
    const { BullmqCoordinatorTransport, assertQueueName } = await loadBullmqTransport(
      'The distributed runner (--runner distributed, or runner.default: distributed)',
    );
    const settings = this.options;
    const transport = await BullmqCoordinatorTransport.open({
      redisUrl: resolveRedisUrl(settings.redisUrl),
      queue: assertQueueName(this.queue),
      exchangeLimitBytes: settings.exchangeLimitBytes ?? DEFAULT_EXCHANGE_LIMIT_BYTES,
      runTtlMs: settings.runTtlMs ?? DEFAULT_RUN_TTL_MS,
      workerHeartbeatMs: WORKER_HEARTBEAT_MS,
      coordinatorHeartbeatMs: settings.coordinatorHeartbeatMs ?? DEFAULT_COORDINATOR_HEARTBEAT_MS,
    });
    try {
      const fingerprint = await projectFingerprint(project);
      return await coordinateRun(pipeline, catalog, hooks, { ...options, project }, transport, {
        fingerprint,
        waitForWorkersMs: settings.waitForWorkersMs ?? DEFAULT_WAIT_FOR_WORKERS_MS,
        workerCheckMs: Math.min(1000, WORKER_HEARTBEAT_MS / 3),
      });
    } finally {
      await transport.close();
    }
  }
}
