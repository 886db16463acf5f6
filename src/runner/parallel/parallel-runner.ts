import { availableParallelism } from 'node:os';
import type { SluiceHookManager } from '../../hooks/sluice-manager.ts';
import { isParameterName } from '../../io/catalog-parameters.ts';
import type { DataCatalog } from '../../io/catalog.ts';
import { isPromiseLike } from '../../maybe-promise.ts';
import type { Node } from '../../pipeline/node.ts';
import type { Pipeline } from '../../pipeline/pipeline.ts';
import type { RunResult } from '../../run-types/run-params.ts';
import { collectFreeOutputs, prepareRun } from '../prepare.ts';
import { mainProcessPlugins, RelayedEventDelivery } from '../relay.ts';
import type { RunOptions, Runner } from '../runner.ts';
import { runNode } from '../run-node.ts';
import { executeNodes } from '../schedule.ts';
import { MAIN_WORKER } from '../worker-names.ts';
import { NodeNotStartedError, ParallelRunnerError } from './errors.ts';
import type { WorkerSetup } from './messages.ts';
import { hasLargeMemoryInputs } from './placement.ts';
import { WorkerHandle } from './worker-handle.ts';
import type { NodeResult } from './worker-handle.ts';
import { WorkerPool } from './worker-pool.ts';

export { ParallelRunnerError } from './errors.ts';

/** Options of {@link ParallelRunner}. */
export interface ParallelRunnerOptions {
  /** Worker threads to start (never more than the pipeline has nodes). Default: one per core. */
  readonly maxWorkers?: number;
  /**
   * Run a node in the main thread, not on a worker, when its memory inputs are large (10k rows or
   * more): copying them to a worker and its outputs back would cost more than the parallelism
   * gains. At most one node at a time runs there. Default true.
   */
  readonly mainThread?: boolean;
  /**
   * After the run is cancelled, how long (ms) nodes still running on workers get to settle before
   * their threads are terminated, so that a node stuck in a loop can't keep the process alive.
   * Also how long a worker gets to exit once asked to stop. Default 5000.
   */
  readonly cancelGraceMs?: number;
}

/** How long nodes get to settle after a cancellation before their worker threads are terminated. */
export const DEFAULT_CANCEL_GRACE_MS = 5000;

/** A thread handed a node keeps dying before starting it: give up on the node after this many tries. */
const DISPATCH_ATTEMPTS = 3;

/**
 * Runs independent nodes at the same time on worker threads, for CPU-bound pipelines. Each worker
 * loads the project by path, rebuilds its catalog and hooks, and runs nodes it is sent by name, so
 * node and dataset hooks fire in the worker (Kedro-Dagster's rule). Memory datasets live in the
 * main process and are copied to and from workers with each node; a node whose memory inputs are
 * large runs in the main thread instead (`mainThread`), where they need no copy. Plugins declared with
 * `process: 'main'` receive the workers' node and dataset events here, relayed.
 *
 * A worker thread that dies fails only the node it was running, and a new thread takes its place
 * when a node needs one (see `WorkerPool`). After a cancellation, nodes still running
 * `cancelGraceMs` later have their threads terminated, so the run always ends.
 */
export class ParallelRunner implements Runner {
  readonly name: string = 'parallel';
  readonly maxWorkers: number;
  readonly cancelGraceMs: number;
  readonly mainThread: boolean;

  constructor(options: ParallelRunnerOptions = {}) {
    const maxWorkers = options.maxWorkers ?? availableParallelism();
    if (!Number.isInteger(maxWorkers) || maxWorkers < 1) {
      throw new RangeError(
        `ParallelRunner maxWorkers must be a whole number of at least 1, got ${maxWorkers}.`,
      );
    }
    this.maxWorkers = maxWorkers;
    const cancelGraceMs = options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS;
    if (!Number.isFinite(cancelGraceMs) || cancelGraceMs < 0) {
      throw new RangeError(
        `ParallelRunner cancelGraceMs must be a number of milliseconds of at least 0, got ${cancelGraceMs}.`,
      );
    }
    this.cancelGraceMs = cancelGraceMs;
    this.mainThread = options.mainThread ?? true;
  }

  async run(
    pipeline: Pipeline,
    catalog: DataCatalog,
    hooks: SluiceHookManager,
    options: RunOptions,
  ): Promise<RunResult> {
    const project = options.project;
    if (project === undefined) {
      throw new ParallelRunnerError(
        'The parallel runner needs the project path: its workers load the project and look nodes up by name.',
        {
          hint: 'Run through a Session (or `sluice run --runner parallel`), or pass `project` in the run options.',
        },
      );
    }
    const started = performance.now();
    const prepared = await prepareRun(pipeline, catalog, options);
    const relay = mainProcessPlugins(hooks).length > 0;
    const delivery = relay ? new RelayedEventDelivery(hooks, prepared.pipeline, catalog) : undefined;
    const setup: WorkerSetup = {
      project,
      runId: options.runId,
      saveVersion: catalog.saveVersion ?? options.runId,
      isAsync: options.isAsync ?? false,
      relay,
    };
    const count = Math.max(1, Math.min(this.maxWorkers, prepared.pipeline.size));
    if (prepared.pipeline.size === 0) {
      await executeNodes(prepared.pipeline, {
        concurrency: 1,
        signal: options.signal,
        state: prepared.state,
        execute: async () => {},
      });
    } else {
      const graceMs = this.cancelGraceMs;
      const pool = await WorkerPool.open(count, () => WorkerHandle.start(setup, delivery, hooks), graceMs);
      const { signal } = options;
      // A node that doesn't settle within the grace period (a synchronous infinite loop ignores
      // every signal) has its thread terminated, so the cancelled run ends instead of waiting.
      let graceTimer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        graceTimer = setTimeout(
          () =>
            void pool.terminateBusy(`because it had not settled ${graceMs} ms after the run was cancelled`),
          graceMs,
        );
      };
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
      // Nodes with large memory inputs run here, in the main thread's lane.
      const context = {
        catalog,
        hooks,
        runId: options.runId,
        isAsync: setup.isAsync,
        signal,
        worker: MAIN_WORKER,
      };
      const mainLane = new MainThreadLane();
      try {
        await executeNodes(prepared.pipeline, {
          // A node in the main thread takes a worker's turn: as many nodes at once as threads
          // were asked for, wherever they run.
          concurrency: count,
          signal,
          continueOnFailure: options.continueOnFailure,
          state: prepared.state,
          execute: async (node) => {
            if (this.mainThread && hasLargeMemoryInputs(node, catalog)) {
              await mainLane.run(() => runNode(node, context));
              return;
            }
            const inputs = ephemeralInputs(node, catalog);
            const { outputs, skipped } = await runOnPool(pool, node, inputs, signal);
            for (const [name, data] of Object.entries(outputs)) {
              const saved = catalog.get(name).save(data);
              if (isPromiseLike(saved)) await saved;
            }
            return skipped === undefined ? undefined : 'skipped';
          },
          afterNode: prepared.release,
        });
      } finally {
        signal?.removeEventListener('abort', onAbort);
        clearTimeout(graceTimer);
        await pool.close(graceMs);
      }
    }
    return {
      outputs: await collectFreeOutputs(prepared.pipeline, catalog),
      completedNodes: [...prepared.state.completed],
      skippedNodes: [...prepared.state.skipped],
      durationMs: performance.now() - started,
    };
  }
}

/**
 * Runs `node` on a worker from the pool. A worker that dies before it started the node is no
 * reason to fail it: the node goes to another worker (a replacement, if need be).
 */
async function runOnPool(
  pool: WorkerPool<WorkerHandle>,
  node: Node,
  inputs: Readonly<Record<string, unknown>>,
  signal: AbortSignal | undefined,
): Promise<NodeResult> {
  for (let attempt = 1; ; attempt++) {
    const worker = await pool.acquire();
    try {
      return await worker.run(node, inputs);
    } catch (error) {
      const retry = error instanceof NodeNotStartedError && attempt < DISPATCH_ATTEMPTS && !signal?.aborted;
      if (!retry) throw error;
    } finally {
      pool.release(worker);
    }
  }
}

/** The node's inputs that only the main process holds: memory datasets, not parameters. */
function ephemeralInputs(node: Node, catalog: DataCatalog): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const name of node.inputs) {
    if (!catalog.isEphemeral(name) || isParameterName(name)) continue;
    inputs[name] = catalog.get(name).load();
  }
  return inputs;
}

/** The main thread as a place to run nodes: one at a time, in the order they asked. */
class MainThreadLane {
  #last: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#last.then(task);
    this.#last = result.catch(() => undefined);
    return result;
  }
}
