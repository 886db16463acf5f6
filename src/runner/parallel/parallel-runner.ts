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
import type { RunOptions, Runner, RunWarmUp } from '../runner.ts';
import { runNode } from '../run-node.ts';
import { bestParallelSaving, estimateRun, nodeCountEstimate } from '../longest-work-first.ts';
import type { RunEstimate } from '../longest-work-first.ts';
import { executeNodes } from '../schedule.ts';
import type { NodeScheduling } from '../schedule.ts';
import { SharedLoads } from '../shared-loads.ts';
import { MAIN_WORKER } from '../worker-names.ts';
import { NodeNotStartedError, ParallelRunnerError } from './errors.ts';
import { concurrencyWidth } from './concurrency-width.ts';
import { HeldValues } from './held-values.ts';
import type { WorkerSetup } from './messages.ts';
import { LaneClaim, MainThreadLane, workersHeard } from './main-thread-lane.ts';
import { NO_SHARE, ShareDispatch } from './share-dispatch.ts';
import { hasLargeMemoryInputs, LARGE_MEMORY_INPUT, sizeOf } from './placement.ts';
import type { NodePlacementReason, ParallelTraceEvent } from './trace.ts';
import { WorkerHandle } from './worker-handle.ts';
import type { NodeResult } from './worker-handle.ts';
import { WorkerPool } from './worker-pool.ts';

export { ParallelRunnerError } from './errors.ts';

/** Options of {@link ParallelRunner}. */
export interface ParallelRunnerOptions {
  /**
   * Lanes (nodes running at once) at most: worker threads, or, with `startInMainThread`, the main
   * thread and one worker thread fewer (with 2: the main thread and one worker). Default: one per
   * core. A run starts threads only while nodes wait for one, up to the most
   * nodes of its pipeline that can run at once.
   */
  readonly maxWorkers?: number;
  /**
   * Run a node in the main thread, not on a worker, when the main thread holds large memory
   * inputs of it (10k rows or more): copying them to a worker would cost more than the
   * parallelism gains. At most one node at a time runs there. Default true; false sends every
   * node to a worker.
   */
  readonly mainThread?: boolean;
  /**
   * Count the main thread as one of the lanes (default false; needs `mainThread`). It runs a ready
   * node whenever it is free, from the start of the run while the workers still load the project,
   * and a node waiting for a worker runs there if the main thread frees first; one worker fewer is
   * started (on 2 cores: the main thread and one worker), none for a chain. Good for chains and for
   * nodes on large values the main thread holds; but while the main thread runs a synchronous
   * node, it can't hand a worker its next node, so independent CPU-bound nodes lose much of the
   * second core (docs/running.md). A node there also has no isolation: one that ends or blocks
   * its thread (`process.exit`, a native crash, an endless loop) takes the run with it, as on the
   * sequential runner, and cancellation can't terminate it. Off (the default), only nodes whose
   * large inputs are in the main thread run there, and a node the run can only start alone while
   * no worker is ready (see `serialBelow`); every other node runs on a worker, where such a node
   * fails alone.
   */
  readonly startInMainThread?: boolean;
  /**
   * A run whose nodes could save less than this share of their time by running on every lane, by
   * their estimated durations (`nodeDurationEstimates`; the tracking plugin answers from past
   * runs), runs serially in the main thread, as the sequential runner would, on no worker thread
   * (one that `warmUp` started is stopped at once, even while it loads the project): a chain, or
   * one long branch beside short ones, gains less from worker threads than their start-up costs.
   * A chain (one lane, or `maxWorkers: 1`) always goes serial, from its first run: one lane saves
   * nothing. Such a run has the sequential runner's isolation: a node that crashes or hangs its
   * thread takes the run with it. Default 0.25 (`DEFAULT_SERIAL_BELOW`); 0 turns it off, for nodes
   * that need a worker's isolation. Without estimates (a project's first run, or tracking off)
   * every node counts the same, so the pipeline's shape decides: one long chain beside a short
   * branch goes serial, two equal branches don't. Above 0, a parallel run also runs in the main
   * thread a node it can only start alone (no other node ready or running) while no worker is
   * ready: nothing could run beside it, so waiting for a thread to load the project would only add
   * that wait, and its outputs stay where every thread can get them (a pipeline's lone first load,
   * say). Needs `mainThread`.
   */
  readonly serialBelow?: number;
  /** Told where each node runs, each memory value copied between threads, each worker ready. */
  readonly onTrace?: (event: ParallelTraceEvent) => void;
  /**
   * After the run is cancelled, how long (ms) nodes still running on workers get to settle before
   * their threads are terminated, so that a node stuck in a loop can't keep the process alive.
   * Also how long a worker gets to exit once asked to stop. Default 5000.
   */
  readonly cancelGraceMs?: number;
}

/**
 * `serialBelow`'s default: a run goes serially in the main thread when running on every lane could
 * save less than this share of its estimated work (`bestParallelSaving`). A worker thread costs
 * its start-up (0.2-0.4 s of CPU opening the project), its code warming up, its values crossing
 * threads and its teardown: on bench:realistic's pipelines on 2 cores, one that could save 17% at
 * best (spaceflights) ran 1.2x slower on workers than on the sequential runner, one that could
 * save half (cpu) ran 1.2x faster.
 */
export const DEFAULT_SERIAL_BELOW = 0.25;

/** How long nodes get to settle after a cancellation before their worker threads are terminated. */
export const DEFAULT_CANCEL_GRACE_MS = 5000;

/** A thread handed a node keeps dying before starting it: give up on the node after this many tries. */
const DISPATCH_ATTEMPTS = 3;

/**
 * Runs independent nodes at the same time on worker threads, for CPU-bound pipelines. Each worker
 * loads the project by path, rebuilds its catalog and hooks, and runs nodes it is sent by name, so
 * node and dataset hooks fire in the worker (Kedro-Dagster's rule). A memory output that later
 * nodes read stays in the worker that produced it, and those nodes go to that worker (affinity); a
 * value needed elsewhere is copied, once, through the main process. A node whose memory inputs in
 * the main process are large runs in the main thread (`mainThread`), where they need no copy, as
 * does a node the run can only start alone while no worker is ready (`serialBelow`). With
 * `startInMainThread` the main thread is one of the lanes: it runs a ready node whenever it is
 * free, and a node waiting for a worker goes to whichever lane frees first. Plugins
 * declared with `process: 'main'` receive the workers' node and dataset events here, relayed.
 *
 * A run uses no more threads than its pipeline has nodes that can run at once (`concurrencyWidth`),
 * and starts them one at a time as nodes wait for one. Without `startInMainThread`, sessions call
 * `warmUp` before they build the catalog, so the first worker loads the project meanwhile.
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
  readonly startInMainThread: boolean;
  readonly serialBelow: number;
  readonly #onTrace: ((event: ParallelTraceEvent) => void) | undefined;
  /**
   * Workers `warmUp` started (none when the run will go serial whatever its estimates, or by its
   * shape), until
   * `run` takes them or their warm-up is disposed.
   */
  #warm: Promise<WarmPool | undefined> | undefined;

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
    this.startInMainThread = this.mainThread && (options.startInMainThread ?? false);
    const serialBelow = options.serialBelow ?? DEFAULT_SERIAL_BELOW;
    if (!(serialBelow >= 0 && serialBelow <= 1)) {
      throw new RangeError(
        `ParallelRunner serialBelow must be a share of the run's time between 0 and 1, got ${serialBelow}.`,
      );
    }
    this.serialBelow = this.mainThread ? serialBelow : 0;
    this.#onTrace = options.onTrace;
  }

  /**
   * Starts the worker threads before the run, while the session builds the catalog: `run` with
   * the same options takes them (if the catalog's save version or the run differ, it starts new
   * ones). Disposing the returned warm-up stops them unless `run` took them.
   */
  warmUp(hooks: SluiceHookManager, options: RunOptions, pipeline?: Promise<Pipeline>): RunWarmUp | undefined {
    // With the main thread as a lane, it runs the first node itself: a thread starts only when a
    // node waits for one (a pipeline whose work all goes through the main thread needs none).
    if (options.project === undefined || this.startInMainThread) return undefined;
    void this.#warm?.then((earlier) => earlier?.dispose(this.cancelGraceMs)).catch(() => {});
    const setup = workerSetup(hooks, options, options.runId);
    let disposed = false;
    let stopWaiting = () => {};
    // Disposed while the pipeline is still being imported: nothing started, and nothing waits for it.
    const stopped = new Promise<undefined>((resolve) => (stopWaiting = () => resolve(undefined)));
    // One thread: every run on a worker needs it. The run knows how many more its pipeline can
    // use, and they start when a node waits for one.
    const started = this.#mayUseWorkers(pipeline).then((may) => {
      if (!may || disposed) return undefined;
      this.#trace({ type: 'warm-up', workers: 1 });
      return this.#startPool(setup, this.maxWorkers, hooks, 1);
    });
    const warm = Promise.race([started, stopped]);
    // A throwing `onTrace` fails the run that awaits this, not the process meanwhile.
    warm.catch(() => {});
    this.#warm = warm;
    return {
      dispose: async () => {
        disposed = true;
        stopWaiting();
        const pool = await warm.catch(() => undefined);
        await pool?.dispose(this.cancelGraceMs);
      },
    };
  }

  /**
   * False when the pipeline's shape says the run will likely go serial: one lane (a chain), or
   * lanes that would save less than `serialBelow` with every node counting the same (one long
   * chain beside a short branch); or when it can't be imported (the run fails before any node). A
   * thread started for it would only take a core from the main thread while it builds the
   * catalog. Durations from past runs are not known yet (the tracking plugin answers once the run
   * starts): when they say parallel after all, or `run` sees fewer nodes (those
   * `onlyMissingOutputs` finds up to date are left out) with more lanes among them, it starts its
   * threads itself, a little later.
   */
  async #mayUseWorkers(pipeline: Promise<Pipeline> | undefined): Promise<boolean> {
    if (pipeline === undefined || this.serialBelow === 0) return true;
    try {
      const selected = await pipeline;
      const lanes = concurrencyWidth(selected, this.maxWorkers);
      if (this.#serialWhatever(lanes)) return false;
      const shape = nodeCountEstimate(selected);
      return shape === undefined || bestParallelSaving(shape, lanes) >= this.serialBelow;
    } catch {
      return false;
    }
  }

  /** One lane (a chain, or `maxWorkers: 1`) saves nothing whatever the nodes' durations. */
  #serialWhatever(lanes: number): boolean {
    return this.serialBelow > 0 && lanes <= 1;
  }

  /**
   * Whether the run goes serially in the main thread (`serialBelow`), traced. One lane needs no
   * estimate (`#serialWhatever`).
   */
  #serial(pipeline: Pipeline, estimate: RunEstimate | undefined, lanes: number): boolean {
    const from = estimate === undefined ? 'node-count' : 'durations';
    if (this.#serialWhatever(lanes)) {
      this.#trace({ type: 'estimate', saving: 0, serial: true, from });
      return true;
    }
    if (this.serialBelow === 0) return false;
    // Without durations, the pipeline's shape is the best guess there is: every node counts the same.
    const weighed = estimate ?? nodeCountEstimate(pipeline);
    if (weighed === undefined) return false;
    const saving = bestParallelSaving(weighed, lanes);
    const serial = saving < this.serialBelow;
    this.#trace({ type: 'estimate', saving, serial, from });
    return serial;
  }

  #trace(event: ParallelTraceEvent): void {
    this.#onTrace?.(event);
  }

  /** Starts `initial` of `size` threads now; the others start when nodes wait for one. */
  #startPool(setup: WorkerSetup, size: number, hooks: SluiceHookManager, initial: number): WarmPool {
    return new WarmPool(setup, (warm) =>
      WorkerPool.begin(
        size,
        async (signal) => {
          const handle = await WorkerHandle.start(setup, () => warm.delivery, hooks, signal);
          this.#trace({ type: 'worker-ready', thread: handle.threadId });
          return handle;
        },
        initial,
      ),
    );
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
    const held = new HeldValues();
    const prepared = await prepareRun(pipeline, catalog, options, (name) => held.release(name));
    // The longest work ahead first, when a plugin can estimate it (from past runs, say).
    const estimate = await estimateRun(prepared.pipeline, hooks, options.runId);
    const order = estimate?.order;
    const setup = workerSetup(hooks, options, catalog.saveVersion ?? options.runId);
    // No more lanes than nodes that can ever run at once: a chain needs one. The main thread is
    // one of them when it runs any node (startInMainThread), so one worker fewer starts.
    const lanes = Math.max(1, concurrencyWidth(prepared.pipeline, this.maxWorkers));
    const serial = this.#serial(prepared.pipeline, estimate, lanes);
    const count = serial ? 0 : this.startInMainThread ? lanes - 1 : lanes;
    const pendingWarm = this.#warm;
    this.#warm = undefined;
    const warm = await pendingWarm;
    // Nodes a `nodeSkip` plugin skipped in the main thread.
    const skippedHere = new Set<Node>();
    const shares = options.shareLoads === false ? undefined : new ShareDispatch(prepared.pipeline, catalog);
    // The main thread's own shared loads, for the nodes it runs; each worker has its own.
    const mainShared = shares === undefined || shares.empty ? undefined : new SharedLoads(catalog);
    const mainContext = {
      catalog,
      hooks,
      runId: options.runId,
      isAsync: setup.isAsync,
      signal: options.signal,
      worker: MAIN_WORKER,
      onSkipped: (node: Node) => void skippedHere.add(node),
      sharedLoads: mainShared,
    };
    /** Runs `node` here, planning its shared loads (`share`, from `ShareDispatch.send`) in this thread. */
    const planHere = (node: Node, share: Readonly<Record<string, boolean>>) => {
      for (const name in share) mainShared?.plan(node, name, share[name]!);
    };
    const runHere = async (node: Node) => {
      try {
        await runNode(node, mainContext);
      } finally {
        mainShared?.finished(node);
      }
      return skippedHere.has(node) ? 'skipped' : undefined;
    };
    if (prepared.pipeline.size === 0 || count === 0) {
      // No node, one lane only and the main thread takes it, or a serial run: no worker thread at
      // all. The warm-up's thread is stopped now, even mid-load, so that it takes no core.
      const disposed = warm?.dispose(this.cancelGraceMs);
      // Awaited after the nodes: a failure meanwhile must not count as unhandled.
      disposed?.catch(() => {});
      if (prepared.pipeline.size > 0) this.#trace({ type: 'pool', startedIn: 'run', workers: 0 });
      const reason = serial ? 'serial' : 'main-free';
      let nodesFailed = true;
      try {
        await executeNodes(prepared.pipeline, {
          concurrency: 1,
          signal: options.signal,
          continueOnFailure: options.continueOnFailure,
          state: prepared.state,
          execute: async (node) => {
            this.#trace({ type: 'node', node: node.name, thread: 0, reason });
            planHere(node, shares?.send(node) ?? NO_SHARE);
            return runHere(node);
          },
          afterNode: prepared.release,
          // A node behind a failure (`--continue-on-failure`) reads nothing: if it was the last
          // reader of a shared load or a cached save, that value is let go now.
          onBlocked: (node) => letGoHere(mainShared, shares?.send(node) ?? NO_SHARE),
        });
        nodesFailed = false;
      } finally {
        mainShared?.clear();
        // The warm-up thread is stopped before the run ends (its start-up hooks come before the
        // last pipeline hook); failing to stop it never hides a node's own error.
        if (nodesFailed) await disposed?.catch(() => {});
        else await disposed;
      }
    } else {
      let workers: WarmPool;
      if (warm !== undefined && warm.take(setup)) {
        workers = warm;
      } else {
        await warm?.dispose(this.cancelGraceMs);
        workers = this.#startPool(setup, count, hooks, this.startInMainThread ? 0 : 1);
        workers.take(setup);
      }
      workers.pool.resize(count);
      this.#trace({
        type: 'pool',
        startedIn: workers === warm ? 'warm-up' : 'run',
        workers: workers.pool.size,
      });
      if (setup.relay) workers.delivery = new RelayedEventDelivery(hooks, prepared.pipeline, catalog);
      const pool = workers.pool;
      const graceMs = this.cancelGraceMs;
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
      // A worker that can't load the project ends the run with its error, as if it had never begun.
      let startupFailure: Error | undefined;
      const stopScheduling = new AbortController();
      pool.onOpenFailure((error) => {
        startupFailure = error;
        stopScheduling.abort();
      });
      // A worker still opening the project may be ready unheard, as a busy one may be free unheard.
      const mainLane = new MainThreadLane(() => pool.alive > pool.idle || pool.starting > 0);
      const read = new Set(prepared.pipeline.nodes.flatMap((node) => node.inputs));
      // A node bound to the main thread while it is busy would only wait there, holding a lane
      // that a node for a worker could use meanwhile: the scheduler passes over it (`prefer`).
      const waits = (node: Node) => !mainLane.idle && hasLargeMemoryInputs(node, catalog);
      const onlyNotWaiting = { waits, wants: () => false, exhausted: true };
      const places = {
        held,
        catalog,
        pool,
        mainShared,
        trace: (event: ParallelTraceEvent) => this.#trace(event),
      };
      /**
       * Where `node` runs. In the main thread when its large inputs are there; with the main
       * thread as a lane, there too when it is free (it has the warm code and every value the
       * main process holds), else in whichever lane frees first, the main thread or a worker
       * (work-stealing: a node waiting for a thread still opening the project runs in the main
       * thread if that frees first). A node whose large inputs only a worker keeps goes there.
       */
      const chooseLane = async (
        node: Node,
        memoryInputs: readonly string[],
        remote: readonly string[],
        sharedNames: readonly string[],
        scheduling: NodeScheduling,
      ): Promise<Lane> => {
        if (!this.mainThread) return { thread: 'pool' };
        if (hasLargeMemoryInputs(node, catalog)) {
          await mainLane.acquire(true);
          return { thread: 'main', reason: 'large-inputs' };
        }
        if (remote.length > 0) return { thread: 'pool' };
        if (!this.startInMainThread) {
          // No worker has been ready yet (none died: a project that kills threads gets no node
          // without isolation), and nothing could run beside the node meanwhile.
          const noWorkerYet = pool.alive === 0 && pool.died === 0 && startupFailure === undefined;
          if (this.serialBelow > 0 && noWorkerYet && mainLane.idle && scheduling.alone()) {
            await mainLane.acquire(false);
            return { thread: 'main', reason: 'alone' };
          }
          return { thread: 'pool' };
        }
        if (mainLane.idle) {
          const reason = pool.alive === 0 ? 'workers-starting' : 'main-free';
          await mainLane.acquire(false);
          // A busy worker may have finished unheard, a starting one be ready unheard: with the
          // main thread taken, hear them before this node holds the thread, so that the next
          // ready node goes to that worker.
          if (pool.alive > pool.idle || pool.starting > 0) await workersHeard();
          return { thread: 'main', reason };
        }
        if (pool.idle > 0) return { thread: 'pool' };
        if (mainLane.onlyBound && pool.alive + pool.starting === 0) {
          // Starting the first thread for this node would cost more than waiting for the main
          // thread when all it has to do are nodes bound to it.
          await mainLane.acquire(false);
          return { thread: 'main', reason: 'main-queued' };
        }
        const claim = new LaneClaim();
        const preferred =
          held.bestHolder(memoryInputs)?.worker ??
          (sharedNames.length === 0 ? undefined : held.bestSharer(sharedNames));
        const viaPool = pool.acquire(preferred, false, claim.signal).then(
          (worker): Lane | Promise<never> => {
            if (claim.take()) return { thread: 'pool', worker };
            pool.release(worker);
            return new Promise<never>(() => {});
          },
          (error: unknown): Promise<never> => {
            // Withdrawn: the main thread took the node. Otherwise no worker can come (the
            // project failed to open in one, or none is left): the node fails with that error.
            if (!claim.take()) return new Promise<never>(() => {});
            throw error;
          },
        );
        const viaMain = mainLane
          .acquire(false, claim)
          .then((): Lane => ({ thread: 'main', reason: 'main-free' }));
        return Promise.race([viaPool, viaMain]);
      };
      try {
        await executeNodes(prepared.pipeline, {
          // A node in the main thread takes a lane: as many nodes at once as lanes, wherever
          // they run.
          concurrency: lanes,
          order,
          signal:
            signal === undefined ? stopScheduling.signal : AbortSignal.any([signal, stopScheduling.signal]),
          continueOnFailure: options.continueOnFailure,
          state: prepared.state,
          execute: async (node, scheduling) => {
            // A node's shared inputs are counted as read when it starts on a thread, and planned
            // there in the same step, so that readers are counted in the order they run in.
            let share: Readonly<Record<string, boolean>> | undefined;
            const sendShare = () => (share ??= shares?.send(node) ?? NO_SHARE);
            try {
              const sharedNames = shares?.sharedInputs(node) ?? [];
              const memoryInputs = node.inputs.filter(
                (name) => catalog.isEphemeral(name) && !isParameterName(name),
              );
              held.assertNotLost(node.name, memoryInputs, catalog);
              const remote = memoryInputs.filter((name) => held.onlyInWorkers(name, catalog));
              const lane = await chooseLane(node, memoryInputs, remote, sharedNames, scheduling);
              if (lane.thread === 'main') {
                try {
                  this.#trace({ type: 'node', node: node.name, thread: 0, reason: lane.reason });
                  const share = sendShare();
                  for (const name in share) if (!share[name]) held.unshare(name);
                  try {
                    await fetchToMain(places, remote);
                  } catch (error) {
                    // It won't run: what this thread kept for it alone is let go.
                    letGoHere(mainShared, share);
                    throw error;
                  }
                  // Planned once the node is sure to run here, so that `runHere` lets it go.
                  planHere(node, share);
                  try {
                    return await runHere(node);
                  } finally {
                    if (mainShared !== undefined) held.saved(persistedOutputs(node, catalog));
                  }
                } finally {
                  mainLane.release();
                }
              }
              const keep = node.outputs.filter((name) => read.has(name) && catalog.isEphemeral(name));
              let placed: { worker: WorkerHandle; result: NodeResult };
              try {
                placed = await runOnPool(
                  places,
                  node,
                  memoryInputs,
                  remote,
                  keep,
                  signal,
                  sendShare,
                  sharedNames,
                  lane.worker,
                );
              } catch (error) {
                // A failed node may have saved some of its outputs before it failed.
                if (mainShared !== undefined) markSaved(places, persistedOutputs(node, catalog));
                throw error;
              }
              const { worker, result } = placed;
              if (mainShared !== undefined) {
                held.setSharing(worker, result.sharing);
                markSaved(places, persistedOutputs(node, catalog), worker);
              }
              for (const [name, data] of Object.entries(result.outputs)) {
                this.#trace({
                  type: 'copy',
                  dataset: name,
                  from: worker.threadId,
                  to: 0,
                  elements: sizeOf(data),
                });
                const saved = catalog.get(name).save(data);
                if (isPromiseLike(saved)) await saved;
              }
              for (const [name, elements] of Object.entries(result.kept)) held.add(name, worker, elements);
              return result.skipped === undefined ? undefined : 'skipped';
            } catch (error) {
              // It failed before it started (no lane, an input lost): it reads nothing, and if it
              // was the last reader of a shared load, no thread keeps that load for it.
              if (share === undefined && shares !== undefined) letGo(places, sendShare());
              throw error;
            }
          },
          afterNode: prepared.release,
          // A node behind a failure (`--continue-on-failure`) reads nothing, as above.
          onBlocked: (node) => {
            if (shares !== undefined) letGo(places, shares.send(node));
          },
          prefer: () => {
            const branch = held.preferFor(pool.idleMembers, pool.alive);
            if (!this.mainThread) return branch;
            if (branch === undefined) return onlyNotWaiting;
            return {
              waits,
              wants: (node: Node) => !waits(node) && branch.wants(node),
              get exhausted() {
                return branch.exhausted ?? false;
              },
            };
          },
        });
        // A worker that could not load the project fails the run even if the others did all the
        // work: the project is broken for some thread (the old pool waited for all of them first).
        await pool.opened;
        if (startupFailure !== undefined) throw startupFailure;
      } catch (error) {
        throw startupFailure ?? error;
      } finally {
        signal?.removeEventListener('abort', onAbort);
        clearTimeout(graceTimer);
        mainShared?.clear();
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
 * Where a node runs: in the main thread (which it holds until it settles), or on the pool, on
 * `worker` if one was already acquired for it.
 */
type Lane =
  | { readonly thread: 'main'; readonly reason: NodePlacementReason }
  | { readonly thread: 'pool'; readonly worker?: WorkerHandle };

/** What placing a node and moving its inputs needs. */
interface Places {
  readonly held: HeldValues;
  readonly catalog: DataCatalog;
  readonly pool: WorkerPool<WorkerHandle>;
  /** The main thread's shared loads; undefined when the run shares none. */
  readonly mainShared: SharedLoads | undefined;
  readonly trace: (event: ParallelTraceEvent) => void;
}

/**
 * Runs `node` on a worker from the pool (`acquired`, if one was already taken for it): the one
 * that keeps most of its memory inputs if any (waiting for it when they are large, else only if it
 * is free), else the one that holds shared loads of its persisted inputs if it is free, otherwise
 * the first free one.
 * Inputs that worker doesn't keep are sent from the main process, fetched there first if only
 * another worker has them. A worker that dies before it started the node is no reason to fail
 * it: the node goes to another worker (a replacement, if need be).
 */
async function runOnPool(
  places: Places,
  node: Node,
  memoryInputs: readonly string[],
  remoteAtFirst: readonly string[],
  keep: readonly string[],
  signal: AbortSignal | undefined,
  sendShare: () => Readonly<Record<string, boolean>>,
  shared: readonly string[],
  acquired: WorkerHandle | undefined,
): Promise<{ worker: WorkerHandle; result: NodeResult }> {
  const { held, catalog, pool, trace } = places;
  let share: Readonly<Record<string, boolean>> | undefined;
  let remote = remoteAtFirst;
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1) {
      // The thread handed the node died: values it kept may be gone with it.
      held.assertNotLost(node.name, memoryInputs, catalog);
      remote = memoryInputs.filter((name) => held.onlyInWorkers(name, catalog));
    }
    // Large values only workers keep bind the node to their worker; small ones (the main thread
    // has a copy too) only make it preferred.
    const bound = held.bestHolder(remote);
    const preferred = bound ?? held.bestHolder(memoryInputs);
    const only = bound !== undefined && bound.elements >= LARGE_MEMORY_INPUT;
    // Never waits for the sharer: reading the file again costs less than a lane left idle.
    const sharer = preferred === undefined ? held.bestSharer(shared) : undefined;
    const worker =
      attempt === 1 && acquired !== undefined
        ? acquired
        : await pool.acquire(preferred?.worker ?? sharer, only);
    try {
      const reason: NodePlacementReason = memoryInputs.some((name) => held.holds(worker, name))
        ? 'affinity'
        : sharer === worker
          ? 'shared-load'
          : 'any';
      trace({ type: 'node', node: node.name, thread: worker.threadId, reason });
      const missing = memoryInputs.filter((name) => !held.holds(worker, name));
      await fetchToMain(
        places,
        missing.filter((name) => held.onlyInWorkers(name, catalog)),
      );
      const inputs: Record<string, unknown> = {};
      for (const name of missing) {
        inputs[name] = catalog.get(name).load();
        trace({ type: 'copy', dataset: name, from: 0, to: worker.threadId, elements: sizeOf(inputs[name]) });
      }
      share ??= sendShare();
      // The last reader of a shared load goes here: the other threads let theirs go.
      letGo(places, share, worker);
      held.addSharing(
        worker,
        Object.keys(share).filter((name) => share![name]),
      );
      return { worker, result: await worker.run(node, inputs, keep, share) };
    } catch (error) {
      const retry = error instanceof NodeNotStartedError && attempt < DISPATCH_ATTEMPTS && !signal?.aborted;
      if (!retry) throw error;
    } finally {
      pool.release(worker);
    }
  }
}

/**
 * Copies values that only workers keep into the main process's memory datasets, once: later
 * readers elsewhere get them from there.
 */
async function fetchToMain(places: Places, names: readonly string[]): Promise<void> {
  const { held, catalog, trace } = places;
  const byHolder = new Map<WorkerHandle, string[]>();
  for (const name of names) {
    const holder = held.holderOf(name);
    if (holder === undefined)
      throw new ParallelRunnerError(`No worker thread keeps memory dataset "${name}" any more.`);
    byHolder.set(holder, [...(byHolder.get(holder) ?? []), name]);
  }
  for (const [holder, held] of byHolder) {
    const values = await holder.fetch(held);
    for (const [name, data] of Object.entries(values)) {
      trace({ type: 'copy', dataset: name, from: holder.threadId, to: 0, elements: sizeOf(data) });
      const saved = catalog.get(name).save(data);
      if (isPromiseLike(saved)) await saved;
    }
  }
}

/**
 * `names` were saved by a node in `by` (a worker; the main thread saw its own saves already): the
 * other threads' shared loads of what they overwrote are stale.
 */
function markSaved(places: Places, names: readonly string[], by?: WorkerHandle): void {
  if (names.length === 0) return;
  for (const name of names) places.mainShared?.saved(name);
  places.held.saved(names, by);
}

/**
 * No reader of the shared loads `share` marks as ending (false) is to come: every thread but
 * `except` (where their last reader runs) lets them go.
 */
function letGo(places: Places, share: Readonly<Record<string, boolean>>, except?: WorkerHandle): void {
  for (const name in share) if (!share[name]) places.held.unshare(name, except);
  letGoHere(places.mainShared, share);
}

/** The main thread's part of `letGo`: what it kept for readers `share` marks as ending. */
function letGoHere(mainShared: SharedLoads | undefined, share: Readonly<Record<string, boolean>>): void {
  if (mainShared === undefined) return;
  for (const name in share) if (!share[name]) mainShared.noneLater(name);
}

/** The node's outputs stored outside memory: saving them may overwrite what a thread shares. */
function persistedOutputs(node: Node, catalog: DataCatalog): string[] {
  return node.outputs.filter((name) => !catalog.isEphemeral(name));
}

/** What the workers are started with, from the run's options. */
function workerSetup(hooks: SluiceHookManager, options: RunOptions, saveVersion: string): WorkerSetup {
  return {
    project: options.project!,
    runId: options.runId,
    saveVersion,
    isAsync: options.isAsync ?? false,
    relay: mainProcessPlugins(hooks).length > 0,
  };
}

/** A started pool of workers, before and during the run that takes it. */
class WarmPool {
  readonly pool: WorkerPool<WorkerHandle>;
  /** Where relayed events go; set by the run that takes the pool. */
  delivery: RelayedEventDelivery | undefined;
  readonly #key: string;
  #taken = false;
  #disposed = false;

  constructor(setup: WorkerSetup, start: (pool: WarmPool) => WorkerPool<WorkerHandle>) {
    this.#key = JSON.stringify(setup);
    this.pool = start(this);
  }

  /** The run takes the pool, if its workers were started for that run. */
  take(setup: WorkerSetup): boolean {
    if (this.#taken || this.#disposed || JSON.stringify(setup) !== this.#key) return false;
    this.#taken = true;
    return true;
  }

  /** Stops the workers unless a run took them. */
  async dispose(graceMs: number): Promise<void> {
    if (this.#taken || this.#disposed) return;
    this.#disposed = true;
    await this.pool.close(graceMs);
  }
}
