/**
 * What the parallel runner did, as it happened: where each node ran and why, each memory value
 * that crossed between threads, and when the workers became ready. For tests, benchmarks and
 * tools that check placement by events rather than timings (`ParallelRunnerOptions.onTrace`).
 * Thread 0 is the main thread; the others are worker `threadId`s.
 */
export type ParallelTraceEvent =
  /**
   * `warmUp` started worker threads while the session builds the catalog, once the selected
   * pipeline was imported. It starts none for a run that will go serial whatever its estimates
   * (one lane) or that its shape says will (`serialBelow`, every node counting the same), nor with
   * `startInMainThread`.
   */
  | { readonly type: 'warm-up'; readonly workers: number }
  /** The run took its worker threads: started by `warmUp` while the catalog was built, or now. */
  | { readonly type: 'pool'; readonly startedIn: 'warm-up' | 'run'; readonly workers: number }
  /**
   * The runner weighed lanes against their cost: `saving` is the most running on every lane could
   * save, as a share of the run's work (0 for one lane); below `serialBelow`, the run goes `serial`
   * in the main thread, with no worker thread. `from` says what weighed the nodes: their estimated
   * durations (`nodeDurationEstimates`, the tracking plugin's past runs), or, without any (a
   * project's first run, tracking off), the pipeline's shape, every node counting the same.
   */
  | {
      readonly type: 'estimate';
      readonly saving: number;
      readonly serial: boolean;
      readonly from: 'durations' | 'node-count';
    }
  /** A worker thread finished loading the project and can take nodes. */
  | { readonly type: 'worker-ready'; readonly thread: number }
  /** A node was placed on a thread, before it ran. */
  | {
      readonly type: 'node';
      readonly node: string;
      readonly thread: number;
      readonly reason: NodePlacementReason;
    }
  /** A memory dataset's value was copied (structured clone) from one thread to another. */
  | {
      readonly type: 'copy';
      readonly dataset: string;
      readonly from: number;
      readonly to: number;
      /** Its size: array items, table rows, typed-array KiB, one level into plain objects. */
      readonly elements: number;
    };

/**
 * Why a node ran where it did:
 * - `large-inputs`: the main thread holds large memory inputs of it (a copy would cost more);
 * - `workers-starting`: no worker had loaded the project yet, and the main thread was free
 *   (`startInMainThread`);
 * - `main-free`: the main thread was free, or freed before any worker for a node waiting for a
 *   lane (`startInMainThread`: the main thread is one of the lanes);
 * - `main-queued`: no worker thread had started, and the main thread was busy only with nodes
 *   that must run there (`large-inputs`): the node waits for it rather than start a thread;
 * - `alone`: the only node the run could start, before any worker was ready (and none had died):
 *   the main thread runs it rather than wait for one, as nothing else could run meanwhile
 *   (`serialBelow` above 0);
 * - `affinity`: the worker that keeps (some of) its memory inputs;
 * - `shared-load`: the worker that holds the shared load of (some of) its persisted inputs, which
 *   it needn't read again (docs/catalog.md, "Shared loads"); taken only when that worker is free;
 * - `any`: the first free worker;
 * - `serial`: the run went serially in the main thread (`serialBelow`): by the nodes' estimated
 *   durations (or, without any, by the pipeline's shape), worker threads had too little to gain.
 */
export type NodePlacementReason =
  | 'large-inputs'
  | 'workers-starting'
  | 'main-free'
  | 'main-queued'
  | 'alone'
  | 'affinity'
  | 'shared-load'
  | 'any'
  | 'serial';
