import { Worker } from 'node:worker_threads';
import type { SluiceHookManager } from '../../hooks/sluice-manager.ts';
import type { Node } from '../../pipeline/node.ts';
import { deliverRunMessage } from '../../project/build-catalog.ts';
import type { RelayedEventDelivery } from '../relay.ts';
import { deserializeError, serializeError } from '../relay.ts';
import { asError } from '../../errors.ts';
import { NodeNotStartedError, ParallelRunnerError } from './errors.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './messages.ts';
import { threadWorker } from '../worker-names.ts';
import { entryModule, packageFile, RUNNING_FROM_SOURCE } from '../../package-files.ts';

/** A node's end on a worker: its ephemeral outputs, and the skip reason if a plugin skipped it. */
export interface NodeResult {
  /** Outputs sent back to the main process. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Outputs the worker kept for later nodes, with their size in elements. */
  readonly kept: Readonly<Record<string, number>>;
  /** Persisted datasets whose shared load the worker holds after the node (`SharedLoads`). */
  readonly sharing: readonly string[];
  readonly skipped: string | undefined;
}

/** Where relayed events go; a function when the run that delivers them is not built yet. */
export type DeliveryTarget = RelayedEventDelivery | undefined | (() => RelayedEventDelivery | undefined);

interface Fetch {
  readonly resolve: (values: Readonly<Record<string, unknown>>) => void;
  readonly reject: (error: Error) => void;
}

/** What a worker thread is doing, seen from the main process. */
interface Assignment {
  readonly nodeName: string;
  /** The worker confirmed it received the node: from then on a crash fails the node. */
  started: boolean;
  readonly resolve: (result: NodeResult) => void;
  readonly reject: (error: Error) => void;
}

/**
 * One worker thread of the parallel runner and the node it is running, if any. A thread that
 * dies fails the node it was running (and only that one) and tells `onExit` listeners, so the
 * pool stops handing it out.
 */
export class WorkerHandle {
  readonly #worker: Worker;
  /** Kept: `Worker.threadId` reads -1 once the thread has exited. */
  readonly #threadId: number;
  readonly #delivery: DeliveryTarget;
  readonly #fetches = new Map<number, Fetch>();
  #nextFetch = 0;
  readonly #hooks: SluiceHookManager;
  /** The thread's `worker` name, taken while it lives (a dead thread's `threadId` is -1). */
  readonly #name: string;
  #current: Assignment | undefined;
  /** Relayed events are delivered one after another, and all before the node's completion. */
  #deliveries: Promise<unknown> = Promise.resolve();
  #exited = false;
  /**
   * The uncaught error the thread is dying of. Node reports it on a channel of its own, which
   * can be heard before the thread's last messages (`started` among them): so the node's fate is
   * decided at exit, when Node has delivered everything the thread sent.
   */
  #uncaught: Error | undefined;
  /** Why the main process terminated the thread, to report instead of a bare exit code. */
  #terminatedBecause: string | undefined;
  readonly #exitListeners: (() => void)[] = [];
  readonly #exit: Promise<void>;

  private constructor(worker: Worker, delivery: DeliveryTarget, hooks: SluiceHookManager) {
    this.#worker = worker;
    this.#threadId = worker.threadId;
    this.#delivery = delivery;
    this.#hooks = hooks;
    this.#name = threadWorker(worker.threadId);
    this.#exit = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  /** The worker thread's `threadId`, as `node:worker_threads` reports it inside the thread. */
  get threadId(): number {
    return this.#threadId;
  }

  /** The thread is still running (it may be busy). */
  get alive(): boolean {
    return !this.#exited && this.#uncaught === undefined;
  }

  /** The thread is running and has no node. */
  get idle(): boolean {
    return !this.#exited && this.#current === undefined;
  }

  /** The node this worker is running, if any. */
  get nodeName(): string | undefined {
    return this.#current?.nodeName;
  }

  /** Calls `listener` once the thread has exited, for whatever reason. */
  onExit(listener: () => void): void {
    if (this.#exited) queueMicrotask(listener);
    else this.#exitListeners.push(listener);
  }

  /**
   * Starts a thread that loads the project. Resolves once it is ready for nodes; rejects with
   * `ParallelRunnerError` if loading the project fails or the thread dies first. Aborting `signal`
   * before then terminates the thread (the start rejects); after, it does nothing.
   */
  static start(
    setup: WorkerSetup,
    delivery: DeliveryTarget,
    hooks: SluiceHookManager,
    signal?: AbortSignal,
  ): Promise<WorkerHandle> {
    const worker = new Worker(workerEntry(), { workerData: setup });
    const threadId = worker.threadId;
    const handle = new WorkerHandle(worker, delivery, hooks);
    const stopLoading = () => void worker.terminate();
    if (signal?.aborted) stopLoading();
    else signal?.addEventListener('abort', stopLoading, { once: true });
    return new Promise((resolve, reject) => {
      let ready = false;
      const onStartMessage = (message: FromWorker) => {
        if (message.type === 'ready') {
          ready = true;
          signal?.removeEventListener('abort', stopLoading);
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
        if (!ready) {
          reject(
            new ParallelRunnerError(`A worker thread failed to start: ${error.message}`, { cause: error }),
          );
          return;
        }
        handle.#uncaught = error;
      });
      worker.once('exit', (code) => {
        handle.#exited = true;
        signal?.removeEventListener('abort', stopLoading);
        const lost = new ParallelRunnerError(
          `Worker thread ${threadId} exited (code ${code}) before it could send the values it kept.`,
        );
        for (const fetch of handle.#fetches.values()) fetch.reject(lost);
        handle.#fetches.clear();
        if (!ready)
          reject(
            new ParallelRunnerError(`A worker thread exited (code ${code}) while loading the project.`, {
              hint: 'Something the project loads (sluice.config.ts, a plugin, a pipeline module) ended the thread, for example with process.exit().',
            }),
          );
        const terminated = handle.#terminatedBecause;
        const uncaught = handle.#uncaught;
        // An uncaught error comes first: it may have ended the thread before a terminate did.
        handle.#crashed((nodeName) =>
          uncaught !== undefined
            ? new ParallelRunnerError(
                `A worker thread died of an uncaught error while running node "${nodeName}": ${uncaught.message}`,
                { cause: uncaught, hint: UNCAUGHT_HINT },
              )
            : terminated !== undefined
              ? new ParallelRunnerError(
                  `Node "${nodeName}" was stopped: its worker thread was terminated ${terminated}.`,
                )
              : new ParallelRunnerError(
                  `A worker thread exited (code ${code}) while running node "${nodeName}".`,
                  { hint: CRASH_HINT },
                ),
        );
        for (const listener of handle.#exitListeners.splice(0)) listener();
      });
    });
  }

  /**
   * Runs `node` on this worker, sending it `inputs` (the memory inputs it doesn't hold); resolves
   * with its ephemeral outputs. Those named in `keep` stay in the worker (see `fetch`, `release`).
   * `share`: the persisted inputs whose load the worker shares, and whether readers come later.
   */
  run(
    node: Node,
    inputs: Readonly<Record<string, unknown>>,
    keep: readonly string[] = [],
    share: Readonly<Record<string, boolean>> = {},
  ): Promise<NodeResult> {
    if (!this.alive)
      return Promise.reject(new NodeNotStartedError(`The worker thread for node "${node.name}" had exited.`));
    return new Promise((resolve, reject) => {
      this.#current = { nodeName: node.name, started: false, resolve, reject };
      const message: ToWorker = { type: 'run', nodeName: node.name, inputs, keep, share };
      this.#worker.postMessage(message);
    });
  }

  /**
   * Copies values this worker kept to the main process. Answered between nodes: if the worker is
   * running one, once it settles.
   */
  fetch(names: readonly string[]): Promise<Readonly<Record<string, unknown>>> {
    if (this.#exited)
      return Promise.reject(
        new ParallelRunnerError(`Worker thread ${this.threadId} had exited with the values it kept.`),
      );
    const id = this.#nextFetch++;
    return new Promise((resolve, reject) => {
      this.#fetches.set(id, { resolve, reject });
      this.#worker.postMessage({ type: 'fetch', id, names } satisfies ToWorker);
    });
  }

  /** Lets the worker drop values it kept. */
  release(names: readonly string[]): void {
    if (!this.#exited && names.length > 0)
      this.#worker.postMessage({ type: 'release', names } satisfies ToWorker);
  }

  /** Tells the worker that no more readers of these shared loads will come to it. */
  unshare(names: readonly string[]): void {
    if (!this.#exited && names.length > 0)
      this.#worker.postMessage({ type: 'unshare', names } satisfies ToWorker);
  }

  /** Tells the worker that another thread saved these datasets (its shared loads of them are stale). */
  saved(names: readonly string[]): void {
    if (!this.#exited && names.length > 0)
      this.#worker.postMessage({ type: 'saved', names } satisfies ToWorker);
  }

  /**
   * Asks the thread to finish and waits until it has exited; a thread still alive `graceMs`
   * later (a plugin holding the event loop open, a node still spinning) is terminated.
   */
  async stop(graceMs: number): Promise<void> {
    if (this.#exited) return;
    this.#worker.postMessage({ type: 'stop' } satisfies ToWorker);
    let timer: NodeJS.Timeout | undefined;
    const overdue = new Promise<'overdue'>(
      (resolve) => (timer = setTimeout(() => resolve('overdue'), graceMs)),
    );
    try {
      if ((await Promise.race([this.#exit, overdue])) === 'overdue')
        await this.terminate(`because it had not exited ${graceMs} ms after being asked to stop`);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Ends the thread at once, even mid-node (a synchronous infinite loop included). The node it
   * was running fails with a `ParallelRunnerError` that says `because`.
   */
  async terminate(because: string): Promise<void> {
    if (this.#exited) return;
    this.#terminatedBecause ??= because;
    await this.#worker.terminate();
    await this.#exit;
  }

  #deliveryNow(): RelayedEventDelivery | undefined {
    return typeof this.#delivery === 'function' ? this.#delivery() : this.#delivery;
  }

  #receive(message: FromWorker): void {
    if (message.type === 'started') {
      if (this.#current?.nodeName === message.nodeName) this.#current.started = true;
      return;
    }
    if (message.type === 'values') {
      const fetch = this.#fetches.get(message.id);
      this.#fetches.delete(message.id);
      if (message.error === undefined) fetch?.resolve(message.values);
      else fetch?.reject(deserializeError(message.error));
      return;
    }
    if (message.type === 'event') {
      const delivery = this.#deliveryNow();
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
          ? current.resolve({
              outputs: message.outputs,
              kept: message.kept,
              sharing: message.sharing,
              skipped: message.skipped,
            })
          : current.reject(deserializeError(message.error)),
      (relayError: unknown) => current.reject(asError(relayError)),
    );
  }

  /**
   * The thread died. A node it had been sent but not started is handed back unrun
   * (`NodeNotStartedError`). A node it was running fails with `failure(nodeName)`: the worker's
   * own onNodeError and onNodeEnd never ran, so the main-process plugins get them here, after the
   * events the worker did relay.
   */
  #crashed(failure: (nodeName: string) => Error): void {
    const current = this.#current;
    this.#current = undefined;
    if (current === undefined) return;
    if (!current.started) {
      current.reject(
        new NodeNotStartedError(
          `The worker thread given node "${current.nodeName}" died before starting it.`,
        ),
      );
      return;
    }
    const error = failure(current.nodeName);
    const delivery = this.#deliveryNow();
    const report =
      delivery === undefined
        ? this.#deliveries
        : this.#deliveries
            .then(() =>
              delivery.deliver({
                hook: 'onNodeError',
                nodeName: current.nodeName,
                error: serializeError(error),
                inputs: {},
              }),
            )
            // The worker relayed the node's onNodeStart; its onNodeEnd closes the bracket here.
            .then(() =>
              delivery.deliver({
                hook: 'onNodeEnd',
                nodeName: current.nodeName,
                error: serializeError(error),
                worker: this.#name,
              }),
            );
    this.#deliveries = Promise.resolve();
    report.then(
      () => current.reject(error),
      () => current.reject(error),
    );
  }
}

const CRASH_HINT =
  'Something in the node or a plugin ended the thread (process.exit(), a native crash, running out of memory). Nodes on other workers were not affected.';
const UNCAUGHT_HINT =
  'An error thrown outside the node’s own promise (a timer or event callback, an unawaited promise) ends its thread: await it inside the node instead.';

/** The worker's entry: the built worker, or under tsx the JS bootstrap that loads the TS worker. */
function workerEntry(): URL {
  return RUNNING_FROM_SOURCE
    ? packageFile('src/runner/parallel/worker-bootstrap.mjs')
    : entryModule('runner/parallel/worker');
}
