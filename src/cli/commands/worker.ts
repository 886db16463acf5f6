import { defaultPlugins } from '../../plugins/default-plugins.ts';
import { loadSettings } from '../../project/settings.ts';
import { loadBullmqTransport } from '../../runner/distributed/load-transport.ts';
import {
  DEFAULT_COORDINATOR_HEARTBEAT_MS,
  DEFAULT_QUEUE,
  DEFAULT_RUN_TTL_MS,
  WORKER_HEARTBEAT_MS,
} from '../../runner/distributed/distributed-runner.ts';
import { DEFAULT_EXCHANGE_LIMIT_BYTES } from '../../runner/distributed/exchange-store.ts';
import { coordinatorLostReporter, nodeJobHandler } from '../../runner/distributed/node-job-handler.ts';
import { redactUrl } from '../../io/datasets/redact.ts';
import { resolveRedisUrl } from '../../runner/distributed/redis-url.ts';
import { ExitCode } from '../exit-codes.ts';
import type { ExitCodeValue } from '../exit-codes.ts';
import type { CliContext } from '../main.ts';
import { UsageError } from '../usage-error.ts';

export interface WorkerCommandOptions {
  concurrency: string;
  queue?: string;
}

/**
 * `sluice worker`: takes node jobs of distributed runs from the queue and runs them on this copy
 * of the project until stopped. It prints one line starting `sluice worker ready` once it listens
 * (scripts and tests wait for it). SIGINT or SIGTERM: it takes no new node, finishes the running
 * ones and exits 0; a second signal exits at once, and the node it had goes back to the queue
 * when its lock lapses.
 */
export async function workerCommand(
  context: CliContext,
  options: WorkerCommandOptions,
): Promise<ExitCodeValue> {
  const concurrency = Number(options.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError(`--concurrency must be a whole number of at least 1, got "${options.concurrency}".`);
  const { assertQueueName, BullmqWorkerTransport, DEFAULT_STALL_SETTINGS } =
    await loadBullmqTransport('`sluice worker`');
  const settings = await loadSettings(context.projectPath);
  const distributed = settings.config.runner?.distributed ?? {};
  const queue = assertQueueName(options.queue ?? distributed.queue ?? DEFAULT_QUEUE);
  const redisUrl = resolveRedisUrl(distributed.redisUrl);
  const transport = await BullmqWorkerTransport.open(
    {
      redisUrl,
      queue,
      exchangeLimitBytes: distributed.exchangeLimitBytes ?? DEFAULT_EXCHANGE_LIMIT_BYTES,
      runTtlMs: distributed.runTtlMs ?? DEFAULT_RUN_TTL_MS,
      workerHeartbeatMs: WORKER_HEARTBEAT_MS,
      coordinatorHeartbeatMs: distributed.coordinatorHeartbeatMs ?? DEFAULT_COORDINATOR_HEARTBEAT_MS,
    },
    {
      lockDurationMs: distributed.lockDurationMs ?? DEFAULT_STALL_SETTINGS.lockDurationMs,
      stalledIntervalMs: distributed.stalledIntervalMs ?? DEFAULT_STALL_SETTINGS.stalledIntervalMs,
      maxStalledCount: distributed.maxStalledCount ?? DEFAULT_STALL_SETTINGS.maxStalledCount,
    },
  );
  const stopping = new Promise<NodeJS.Signals>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) process.exit(ExitCode.ok);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await transport.consume(
    nodeJobHandler({ projectPath: settings.projectPath, builtIns: defaultPlugins }),
    concurrency,
    coordinatorLostReporter({ projectPath: settings.projectPath, queue, builtIns: defaultPlugins }),
  );
  context.stdout.write(
    `sluice worker ready: queue "${queue}" on ${redactUrl(redisUrl)}, concurrency ${concurrency}, project ${settings.projectPath} (worker ${transport.id})\n`,
  );
  const signal = await stopping;
  context.stdout.write(
    `Received ${signal}: finishing the running nodes, then exiting (send it again to exit at once).\n`,
  );
  await transport.close();
  context.stdout.write('sluice worker stopped\n');
  return ExitCode.ok;
}
