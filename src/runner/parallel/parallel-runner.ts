import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SluiceError } from '../../errors.ts';
import type { SluiceHookManager } from '../../hooks/sluice-manager.ts';
import { isParameterName } from '../../io/catalog-parameters.ts';
import type { DataCatalog } from '../../io/catalog.ts';
import { isPromiseLike } from '../../maybe-promise.ts';
import type { Node } from '../../pipeline/node.ts';
import type { Pipeline } from '../../pipeline/pipeline.ts';
import type { RunResult } from '../../session/run-params.ts';
import { deliverRunMessage } from '../../session/build-catalog.ts';
import { collectFreeOutputs, prepareRun } from '../prepare.ts';
import { deserializeError, mainProcessPlugins, RelayedEventDelivery, serializeError } from '../relay.ts';
import type { RunOptions, Runner } from '../runner.ts';
import { executeNodes } from '../schedule.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './messages.ts';

/** Options of {@link ParallelRunner}. */
export interface ParallelRunnerOptions {
  /** Worker threads to start (never more than the pipeline has nodes). Default: one per core. */
  readonly maxWorkers?: number;
}

/** The parallel runner can't run here (no project reference, a worker failed to start or crashed). */
export class ParallelRunnerError extends SluiceError {}

/**
 * Runs independent nodes at the same time on worker threads, for CPU-bound pipelines. Each worker
 * loads the project by path, rebuilds its catalog and hooks, and runs nodes it is sent by name, so
 * node and dataset hooks fire in the worker (Kedro-Dagster's rule). Memory datasets live in the
 * main process and are copied to and from workers with each node. Plugins declared with
 * `process: 'main'` receive the workers' node and dataset events here, relayed.
 */
export class ParallelRunner implements Runner {
  readonly name: string = 'parallel';
  readonly maxWorkers: number;

  constructor(options: ParallelRunnerOptions = {}) {
    const maxWorkers = options.maxWorkers ?? availableParallelism();
    if (!Number.isInteger(maxWorkers) || maxWorkers < 1) {
      throw new RangeError(
        `ParallelRunner maxWorkers must be a whole number of at least 1, got ${maxWorkers}.`,
      );
    }
    this.maxWorkers = maxWorkers;
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
    const pool = prepared.pipeline.size === 0 ? [] : await startPool(count, setup, delivery, hooks);
    try {
      await executeNodes(prepared.pipeline, {
        concurrency: pool.length,
        signal: options.signal,
        continueOnFailure: options.continueOnFailure,
        state: prepared.state,
        execute: async (node) => {
          const worker = pool.find((candidate) => candidate.idle)!;
          const outputs = await worker.run(node, ephemeralInputs(node, catalog));
          for (const [name, data] of Object.entries(outputs)) {
            const saved = catalog.get(name).save(data);
            if (isPromiseLike(saved)) await saved;
          }
        },
        afterNode: prepared.release,
      });
    } finally {
      await Promise.all(pool.map((worker) => worker.stop()));
    }
    return {
      outputs: await collectFreeOutputs(prepared.pipeline, catalog),
      completedNodes: [...prepared.state.completed],
      skippedNodes: [...prepared.state.skipped],
      durationMs: performance.now() - started,
    };
  }
}

/** Starts `count` workers; if any fails to start, stops the others and fails with its error. */
async function startPool(
  count: number,
  setup: WorkerSetup,
  delivery: RelayedEventDelivery | undefined,
  hooks: SluiceHookManager,
): Promise<WorkerHandle[]> {
  const started = await Promise.allSettled(
    Array.from({ length: count }, () => WorkerHandle.start(setup, delivery, hooks)),
  );
  const failure = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  const workers = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  if (failure === undefined) return workers;
  await Promise.all(workers.map((worker) => worker.stop()));
  throw failure.reason;
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

/** One worker thread and the node it is running, if any. */
class WorkerHandle {
  readonly #worker: Worker;
  readonly #delivery: RelayedEventDelivery | undefined;
  readonly #hooks: SluiceHookManager;
  #current:
    | {
        nodeName: string;
        resolve: (outputs: Readonly<Record<string, unknown>>) => void;
        reject: (error: Error) => void;
      }
    | undefined;
  /** Relayed events are delivered one after another, and all before the node's completion. */
  #deliveries: Promise<unknown> = Promise.resolve();
  #exited = false;

  private constructor(worker: Worker, delivery: RelayedEventDelivery | undefined, hooks: SluiceHookManager) {
    this.#worker = worker;
    this.#delivery = delivery;
    this.#hooks = hooks;
  }

  get idle(): boolean {
    return this.#current === undefined;
  }

  static start(
    setup: WorkerSetup,
    delivery: RelayedEventDelivery | undefined,
    hooks: SluiceHookManager,
  ): Promise<WorkerHandle> {
    const worker = new Worker(workerEntry(), { workerData: setup });
    const handle = new WorkerHandle(worker, delivery, hooks);
    return new Promise((resolve, reject) => {
      const onStartMessage = (message: FromWorker) => {
        if (message.type === 'ready') {
          worker.off('message', onStartMessage);
          worker.on('message', (next: FromWorker) => handle.#receive(next));
          resolve(handle);
        } else if (message.type === 'setup-failed') {
          void worker.terminate();
          const cause = deserializeError(message.error);
          reject(
            new ParallelRunnerError(`A worker thread could not load the project: ${cause.message}`, {
              cause,
            }),
          );
        }
      };
      worker.on('message', onStartMessage);
      worker.once('error', (error) => {
        handle.#crashed(error);
        reject(
          new ParallelRunnerError(`A worker thread failed to start: ${error.message}`, { cause: error }),
        );
      });
      worker.once('exit', (code) => {
        handle.#exited = true;
        handle.#crashed(
          new ParallelRunnerError(`A worker thread exited (code ${code}) while running a node.`),
        );
      });
    });
  }

  run(node: Node, inputs: Readonly<Record<string, unknown>>): Promise<Readonly<Record<string, unknown>>> {
    return new Promise((resolve, reject) => {
      this.#current = { nodeName: node.name, resolve, reject };
      const message: ToWorker = { type: 'run', nodeName: node.name, inputs };
      this.#worker.postMessage(message);
    });
  }

  async stop(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise((resolve) => this.#worker.once('exit', resolve));
    this.#worker.postMessage({ type: 'stop' } satisfies ToWorker);
    await exited;
  }

  #receive(message: FromWorker): void {
    if (message.type === 'event') {
      const delivery = this.#delivery;
      if (delivery !== undefined)
        this.#deliveries = this.#deliveries.then(() => delivery.deliver(message.event));
      return;
    }
    if (message.type === 'run-message') {
      const hooks = this.#hooks;
      this.#deliveries = this.#deliveries.then(() =>
        deliverRunMessage(hooks, message.topic, message.message),
      );
      return;
    }
    if (message.type !== 'done' && message.type !== 'failed') return;
    const current = this.#current;
    this.#current = undefined;
    if (current === undefined) return;
    const deliveries = this.#deliveries;
    this.#deliveries = Promise.resolve();
    deliveries.then(
      () =>
        message.type === 'done'
          ? current.resolve(message.outputs)
          : current.reject(deserializeError(message.error)),
      (relayError: unknown) =>
        current.reject(relayError instanceof Error ? relayError : new Error(String(relayError))),
    );
  }

  /**
   * The worker died (or failed) while running a node: its own onNodeError never ran, so the
   * main-process plugins get one here, after the events it did relay, and the node fails.
   */
  #crashed(error: Error): void {
    const current = this.#current;
    this.#current = undefined;
    if (current === undefined) return;
    const delivery = this.#delivery;
    const report =
      delivery === undefined
        ? this.#deliveries
        : this.#deliveries.then(() =>
            delivery.deliver({
              hook: 'onNodeError',
              nodeName: current.nodeName,
              error: serializeError(error),
              inputs: {},
            }),
          );
    this.#deliveries = Promise.resolve();
    report.then(
      () => current.reject(error),
      () => current.reject(error),
    );
  }
}

/** The worker's entry: compiled JS directly, or under tsx the JS bootstrap that loads the TS worker. */
function workerEntry(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('./worker-bootstrap.mjs', import.meta.url)
    : new URL('./worker.js', import.meta.url);
}
