/**
 * A node that waits for whichever lane frees first, the main thread or a worker thread: the
 * first lane to offer takes it, and the other's offer is turned down (`take` is false) or, for the
 * worker pool, withdrawn through `signal` so that it starts no thread for the node any more.
 */
export class LaneClaim {
  #taken = false;
  readonly #withdraw = new AbortController();

  /** A lane took the node. */
  get taken(): boolean {
    return this.#taken;
  }

  /** Aborted once a lane took the node: the other lanes stop waiting for it. */
  get signal(): AbortSignal {
    return this.#withdraw.signal;
  }

  /** True for the first lane that offers (it runs the node), false for every later one. */
  take(): boolean {
    if (this.#taken) return false;
    this.#taken = true;
    this.#withdraw.abort();
    return true;
  }
}

interface Waiting {
  /** The node can only run here (its large inputs are in the main thread). */
  readonly bound: boolean;
  /** Set when the node waits for a worker too: the first lane free takes it. */
  readonly claim: LaneClaim | undefined;
  readonly grant: () => void;
}

/**
 * The main thread as one of the parallel runner's lanes: one node at a time, handed to the nodes
 * waiting for it in the order they asked. `acquire` resolves once the caller has the lane;
 * `release` hands it to the next caller still waiting.
 */
export class MainThreadLane {
  /** The node running here, if any: whether it is bound here. */
  #running: { readonly bound: boolean } | undefined;
  readonly #waiting: Waiting[] = [];
  readonly #workersBusy: () => boolean;
  /** A grant put off until the workers' messages have been heard (see `release`). */
  #deferred = false;

  /** `workersBusy`: some worker thread runs a node or opens the project (it may be free, unheard). */
  constructor(workersBusy: () => boolean = () => false) {
    this.#workersBusy = workersBusy;
  }

  /** Nothing runs or waits here. */
  get idle(): boolean {
    return this.#running === undefined && !this.#deferred && this.#stillWaiting().length === 0;
  }

  /** Everything running or waiting here is bound here: none of it would free a worker's work. */
  get onlyBound(): boolean {
    return (this.#running?.bound ?? true) && this.#stillWaiting().every((waiting) => waiting.bound);
  }

  /**
   * Resolves once the caller has the main thread, at once if it is idle. With `claim`, the lane is
   * offered through it and never resolves if another lane took the node first.
   */
  acquire(bound: boolean, claim?: LaneClaim): Promise<void> {
    if (this.idle && (claim === undefined || claim.take())) {
      this.#running = { bound };
      return Promise.resolve();
    }
    return new Promise((grant) => this.#waiting.push({ bound, claim, grant }));
  }

  /** The caller's node settled: the next one waiting (and not taken elsewhere) gets the lane. */
  release(): void {
    this.#running = undefined;
    const next = this.#stillWaiting()[0];
    if (next?.claim !== undefined && this.#workersBusy()) {
      // A node that could run on a worker gets the main thread only once the workers have been
      // heard (see `workersHeard`).
      this.#deferred = true;
      void workersHeard().then(() => {
        this.#deferred = false;
        this.#grantNext();
      });
      return;
    }
    this.#grantNext();
  }

  #grantNext(): void {
    if (this.#running !== undefined || this.#deferred) return;
    for (let next = this.#waiting.shift(); next !== undefined; next = this.#waiting.shift()) {
      if (next.claim !== undefined && !next.claim.take()) continue;
      this.#running = { bound: next.bound };
      next.grant();
      return;
    }
  }

  #stillWaiting(): Waiting[] {
    return this.#waiting.filter((waiting) => waiting.claim?.taken !== true);
  }
}

/**
 * Resolves after two turns of the event loop, so that it has polled for messages in between. A
 * worker that finished a node says so in a message, which waits for the event loop: a main
 * thread going from node to node in microtasks would never see it free, and take every node
 * itself while the worker sits idle.
 */
export function workersHeard(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
