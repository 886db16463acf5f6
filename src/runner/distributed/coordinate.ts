import { setTimeout as sleep } from 'node:timers/promises';
import type { SluiceHookManager } from '../../hooks/sluice-manager.ts';
import { isParameterName } from '../../io/catalog-parameters.ts';
import type { DataCatalog } from '../../io/catalog.ts';
import { isPromiseLike } from '../../maybe-promise.ts';
import type { Node } from '../../pipeline/node.ts';
import type { Pipeline } from '../../pipeline/pipeline.ts';
import { deliverRunMessage } from '../../project/build-catalog.ts';
import type { ProjectReference } from '../../project/project-reference.ts';
import type { RunResult } from '../../run-types/run-params.ts';
import { collectFreeOutputs, prepareRun } from '../prepare.ts';
import { deserializeError, mainProcessPlugins, RelayedEventDelivery, serializeError } from '../relay.ts';
import type { RunOptions } from '../runner.ts';
import { asError } from '../../errors.ts';
import { RunCancelledError, stopsTheRun } from '../errors.ts';
import { executeNodes } from '../schedule.ts';
import { DispatchSlots } from './dispatch-slots.ts';
import { CoordinatorLostError, DistributedRunnerError, NoWorkerError } from './errors.ts';
import type { NodeResume } from '../run-node.ts';
import type { CoordinatorTransport, RunChannel, RunMessage, WorkerCapacity } from './transport.ts';

/** How the coordinator waits for workers. */
export interface CoordinateSettings {
  /** The coordinator's project fingerprint, put on every job. */
  readonly fingerprint: string;
  /** How long a run waits for a first worker, and for one to come back when all went quiet. */
  readonly waitForWorkersMs: number;
  /** How often it checks that workers are alive while nodes are out. */
  readonly workerCheckMs: number;
}

/** What one node's job is waiting on. */
interface Pending {
  /** `skipped`: the reason a `nodeSkip` plugin gave, when it skipped the node. */
  readonly resolve: (skipped: string | undefined) => void;
  readonly reject: (error: Error) => void;
  /** Gives the node's dispatch slot back (once): its job waits for a retry, on no worker. */
  readonly releaseSlot: () => void;
}

/**
 * The distributed runner's scheduling, on any transport: the coordinator enqueues a node's job
 * once all its producers are done (`executeNodes` decides when, as for every runner, so failure,
 * `continueOnFailure`, cancellation and `onlyMissingOutputs` behave the same), then waits for the
 * worker's `done` or `failed` on the run's channel. Relayed events reach the `process: 'main'`
 * plugins and posted messages reach `onRunMessage` in the order the workers sent them, before the
 * node counts as done. In-memory free outputs come back from the exchange into the coordinator's
 * catalog, so the run result holds them as on other runners. A node whose attempt failed and
 * whose retry went back on the queue (`retrying`) is still out, but frees its dispatch slot for
 * the wait, so other nodes run meanwhile; only a cancellation takes such a job back.
 */
export async function coordinateRun(
  pipeline: Pipeline,
  catalog: DataCatalog,
  hooks: SluiceHookManager,
  options: RunOptions & { readonly project: ProjectReference },
  transport: CoordinatorTransport,
  settings: CoordinateSettings,
): Promise<RunResult> {
  const started = performance.now();
  const { runId, signal } = options;
  const prepared = await prepareRun(pipeline, catalog, options);
  const toRun = prepared.pipeline;
  const relay = mainProcessPlugins(hooks).length > 0;
  const delivery = relay ? new RelayedEventDelivery(hooks, toRun, catalog) : undefined;

  const pending = new Map<string, Pending>();
  // Deliveries run one after another in arrival order; a plugin failing on a node's event fails
  // that node (as on the parallel runner), whichever node's message comes next.
  let deliveries: Promise<unknown> = Promise.resolve();
  const relayFailures = new Map<string, Error>();
  const receive = (message: RunMessage) => {
    switch (message.type) {
      case 'event': {
        if (delivery === undefined) return;
        const { event } = message;
        if (!toRun.nodes.some((node) => node.name === event.nodeName)) return;
        deliveries = deliveries
          .then(() => delivery.deliver(event))
          .catch((error: unknown) => {
            if (!relayFailures.has(event.nodeName)) relayFailures.set(event.nodeName, error as Error);
          });
        return;
      }
      case 'run-message':
        deliveries = deliveries.then(() => deliverRunMessage(hooks, message.topic, message.message));
        return;
      case 'retrying':
        pending.get(message.nodeName)?.releaseSlot();
        return;
      case 'done':
      case 'failed': {
        const waiting = pending.get(message.nodeName);
        // A node handed to a second worker after its first went quiet may report twice: the first word counts.
        if (waiting === undefined) return;
        pending.delete(message.nodeName);
        void deliveries.then(() => {
          const relayFailure = relayFailures.get(message.nodeName);
          relayFailures.delete(message.nodeName);
          if (message.type === 'failed') waiting.reject(deserializeError(message.error));
          else if (relayFailure !== undefined) waiting.reject(relayFailure);
          else waiting.resolve(message.skipped);
        });
        return;
      }
    }
  };

  const channel = await transport.openRun(runId, receive);
  let watchdog: Promise<void> | undefined;
  const stopWatchdog = new AbortController();
  // Nodes whose jobs were taken back, or never enqueued, once the run stopped: they neither ran nor failed.
  const withdrawn = new Set<string>();
  const slots = new DispatchSlots(1);
  /**
   * A cancelled node whose job waited for a retry: it had started, so it fails with
   * `RunCancelledError` (as a node cancelled in its retry's wait on the other runners), and the
   * `process: 'main'` plugins get its `onNodeEnd`, which no worker will fire.
   */
  const cancelRetry = (name: string, waiting: Pending, resume: NodeResume) => {
    const error = new RunCancelledError('while the node waited for its retry');
    const ended = delivery?.deliver({
      hook: 'onNodeEnd',
      nodeName: name,
      runId,
      error: serializeError(error),
      attempts: resume.attempt - 1,
      durationMs: Math.max(0, Date.now() - resume.startedAtMs),
      attemptDurationMs: 0,
    });
    deliveries = deliveries.then(() => ended).catch(() => {});
    void deliveries.then(() => waiting.reject(error));
  };
  const withdraw = (cancelled: boolean) => {
    for (const name of slots.close(notStarted)) withdrawn.add(name);
    void withdrawQueued(channel, pending, withdrawn, cancelled ? cancelRetry : undefined);
  };
  // Cancelled: nothing more starts, and the workers abort the running nodes' signal.
  const onAbort = () => {
    withdraw(true);
    void channel.cancel().catch(() => {});
  };
  let failure: { error: unknown } | undefined;
  try {
    if (toRun.size > 0) {
      slots.capacity = (await waitForWorker(channel, transport.queue, settings, signal)).slots;
      await shareFreeInputs(toRun, catalog, transport, runId);
      watchdog = watchWorkers(channel, transport.queue, settings, pending, slots, stopWatchdog.signal);
    }
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const freeOutputs = toRun.outputs();
    await executeNodes(toRun, {
      // The dispatch slots (the workers' concurrency) limit what is enqueued at once.
      concurrency: Number.MAX_SAFE_INTEGER,
      signal,
      continueOnFailure: options.continueOnFailure,
      state: prepared.state,
      execute: async (node) => {
        await slots.acquire(node.name);
        let holdsSlot = true;
        const releaseSlot = () => {
          if (!holdsSlot) return;
          holdsSlot = false;
          slots.release();
        };
        const done = new Promise<string | undefined>((resolve, reject) =>
          pending.set(node.name, { resolve, reject, releaseSlot }),
        );
        // A worker can fail the node before `enqueue` resolves: the rejection is awaited below,
        // and must not count as unhandled meanwhile.
        done.catch(() => {});
        let skipped: string | undefined;
        try {
          await channel.enqueue({
            runId,
            nodeName: node.name,
            fingerprint: settings.fingerprint,
            project: options.project,
            saveVersion: catalog.saveVersion ?? runId,
            isAsync: options.isAsync ?? false,
            relay,
            runParams: options.runParams,
          });
          skipped = await done;
        } catch (error) {
          pending.delete(node.name);
          // The run stops here, as on the other runners: nodes still queued must not start.
          if (!withdrawn.has(node.name) && (!options.continueOnFailure || stopsTheRun(asError(error))))
            withdraw(signal?.aborted === true);
          throw error;
        } finally {
          releaseSlot();
        }
        await fetchFreeOutputs(node, freeOutputs, catalog, transport, runId);
        return skipped === undefined ? undefined : 'skipped';
      },
      afterNode: prepared.release,
    });
  } catch (error) {
    failure = { error };
  }
  const failed = prepared.state.failed;
  for (let index = failed.length - 1; index >= 0; index--)
    if (withdrawn.has(failed[index]!.nodeName)) failed.splice(index, 1);
  signal?.removeEventListener('abort', onAbort);
  stopWatchdog.abort();
  await watchdog;
  // Whichever way the run ended, a worker that reported it lost has fired onPipelineError already.
  const reportedBy = await channel.claimOutcome();
  await channel.close();
  if (reportedBy !== undefined) throw new CoordinatorLostError(runId, transport.queue, reportedBy);
  if (failure !== undefined) throw failure.error;
  return {
    outputs: await collectFreeOutputs(toRun, catalog),
    completedNodes: [...prepared.state.completed],
    skippedNodes: [...prepared.state.skipped],
    durationMs: performance.now() - started,
  };
}

/** Waits up to `waitForWorkersMs` for a worker's heartbeat; `NoWorkerError` otherwise. */
async function waitForWorker(
  channel: RunChannel,
  queue: string,
  settings: CoordinateSettings,
  signal: AbortSignal | undefined,
): Promise<WorkerCapacity> {
  const since = performance.now();
  for (;;) {
    const workers = await channel.workers();
    if (workers.alive > 0 || signal?.aborted) return workers;
    const waited = performance.now() - since;
    if (waited >= settings.waitForWorkersMs) throw new NoWorkerError(queue, waited);
    await sleep(Math.min(settings.workerCheckMs, settings.waitForWorkersMs - waited));
  }
}

/**
 * While nodes are out, follows the workers: their slots set how many jobs are enqueued at once,
 * and when none has been alive for `waitForWorkersMs` the nodes out fail with `NoWorkerError`
 * instead of waiting forever.
 */
async function watchWorkers(
  channel: RunChannel,
  queue: string,
  settings: CoordinateSettings,
  pending: Map<string, Pending>,
  slots: DispatchSlots,
  stop: AbortSignal,
): Promise<void> {
  let quietSince: number | undefined;
  while (!stop.aborted) {
    try {
      await sleep(settings.workerCheckMs, undefined, { signal: stop });
    } catch {
      return;
    }
    let workers: WorkerCapacity;
    try {
      workers = await channel.workers();
    } catch (error) {
      // The run was reported lost, or Redis failed (RedisLostError names its URL).
      failAll(
        pending,
        error instanceof DistributedRunnerError
          ? error
          : new DistributedRunnerError(
              `Lost the connection to the queue "${queue}": ${asError(error).message}`,
              {
                cause: error,
              },
            ),
      );
      continue;
    }
    if (workers.alive > 0) slots.capacity = workers.slots;
    if (workers.alive > 0 || pending.size === 0) {
      quietSince = undefined;
      continue;
    }
    quietSince ??= performance.now();
    const quiet = performance.now() - quietSince;
    if (quiet >= settings.waitForWorkersMs) failAll(pending, new NoWorkerError(queue, quiet));
  }
}

function failAll(pending: Map<string, Pending>, error: Error): void {
  for (const [name, waiting] of [...pending]) {
    pending.delete(name);
    waiting.reject(error);
  }
}

const notStarted = (name: string) =>
  new DistributedRunnerError(`Node "${name}" was not started: the run stopped first.`);

/**
 * When the run stops (a failure, a cancellation): jobs no worker took yet are taken back, and
 * their nodes never start. Jobs already taken run to the end, like running nodes on other runners,
 * and so do nodes whose job waits for a retry, unless the run was cancelled (`cancelRetry` given):
 * then their jobs are taken back too, and `cancelRetry` ends them.
 */
async function withdrawQueued(
  channel: RunChannel,
  pending: Map<string, Pending>,
  withdrawn: Set<string>,
  cancelRetry: ((name: string, waiting: Pending, resume: NodeResume) => void) | undefined,
): Promise<void> {
  for (const [name, waiting] of [...pending]) {
    let taken;
    try {
      taken = await channel.withdraw(name, cancelRetry !== undefined);
    } catch {
      // The job stays; its node settles like the running ones.
    }
    if (taken === undefined || pending.get(name) !== waiting) continue;
    pending.delete(name);
    if (taken.resume !== undefined && cancelRetry !== undefined) {
      cancelRetry(name, waiting, taken.resume);
      continue;
    }
    withdrawn.add(name);
    waiting.reject(notStarted(name));
  }
}

/** Free inputs held in the coordinator's memory (data a caller added) go to the exchange for the workers. */
async function shareFreeInputs(
  pipeline: Pipeline,
  catalog: DataCatalog,
  transport: CoordinatorTransport,
  runId: string,
): Promise<void> {
  for (const name of pipeline.inputs()) {
    if (!catalog.isEphemeral(name) || isParameterName(name)) continue;
    const dataset = catalog.get(name);
    let exists = dataset.exists();
    if (isPromiseLike(exists)) exists = await exists;
    if (!exists) continue;
    let data = dataset.load();
    if (isPromiseLike(data)) data = await data;
    await transport.exchange.put(runId, name, '(the coordinator)', data);
  }
}

/** The node's in-memory outputs that are the pipeline's results come back into this catalog. */
async function fetchFreeOutputs(
  node: Node,
  freeOutputs: ReadonlySet<string>,
  catalog: DataCatalog,
  transport: CoordinatorTransport,
  runId: string,
): Promise<void> {
  for (const name of node.outputs) {
    if (!freeOutputs.has(name) || !catalog.isEphemeral(name)) continue;
    const { found, value } = await transport.exchange.get(runId, name);
    if (!found) continue;
    const saved = catalog.get(name).save(value);
    if (isPromiseLike(saved)) await saved;
  }
}
