import { asError } from '../../errors.ts';
import { ParallelRunnerError } from './errors.ts';

/** What the pool needs of a worker: WorkerHandle in the runner. */
export interface PoolMember {
  /** The thread is still running. */
  readonly alive: boolean;
  /** Called once the thread has exited, whatever the reason. */
  onExit(listener: () => void): void;
  /** Asks the thread to finish; terminates it if it hasn't `graceMs` later. */
  stop(graceMs: number): Promise<void>;
  /** Ends the thread at once; the node it runs fails, saying `because`. */
  terminate(because: string): Promise<void>;
}

interface Waiter<T> {
  /** The thread this waiter is for (it holds the node's inputs); undefined: any thread. */
  readonly only: T | undefined;
  readonly resolve: (member: T) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The parallel runner's worker threads: `acquire` hands out an idle one, `release` takes it back.
 * A thread that dies (mid-node or idle) leaves the pool at once and is never handed out again.
 * It is replaced lazily: only when a node needs a worker and fewer than `size` are alive, so a
 * crash near the end of a run costs no new thread (each one loads the project, about 0.3 s). If a
 * replacement can't start, the pool carries on with the threads it has; when none is left,
 * `acquire` rejects with `ParallelRunnerError` rather than waiting for a thread that will never come.
 */
export class WorkerPool<T extends PoolMember> {
  #size: number;
  /** Starts a thread; `signal` aborts when the pool closes, so a thread still loading can stop. */
  readonly #start: (signal: AbortSignal) => Promise<T>;
  readonly #members = new Set<T>();
  readonly #idle: T[] = [];
  readonly #waiters: Waiter<T>[] = [];
  #starting = 0;
  /** Threads ever started; the first `size` (while none died) are the pool's opening ones. */
  #started = 0;
  #died = 0;
  /** Why the last replacement failed to start; no more are tried after one fails. */
  #startFailure: Error | undefined;
  /** Why one of the first `size` threads failed to start (`begin`): the pool is of no use then. */
  #openFailure: Error | undefined;
  readonly #openFailureListeners: ((error: Error) => void)[] = [];
  /** Opening threads' starts; `opened` settles once each is ready or failed. */
  readonly #opening: Promise<void>[] = [];
  /** Threads being started, settled once each is adopted, stopped (pool closed) or failed. */
  readonly #startups = new Set<Promise<void>>();
  readonly #stopStarting = new AbortController();
  #closed = false;

  private constructor(size: number, start: (signal: AbortSignal) => Promise<T>) {
    this.#size = size;
    this.#start = start;
  }

  /**
   * Starts `size` threads at once. If any fails to start, the others are stopped and its error
   * is thrown.
   */
  static async open<T extends PoolMember>(
    size: number,
    start: (signal: AbortSignal) => Promise<T>,
    stopGraceMs: number,
  ): Promise<WorkerPool<T>> {
    const pool = new WorkerPool(size, start);
    const started = await Promise.allSettled(
      Array.from({ length: size }, () => start(pool.#stopStarting.signal)),
    );
    const members = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const failure = started.find(
      (outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected',
    );
    if (failure !== undefined) {
      await Promise.all(members.map((member) => member.stop(stopGraceMs)));
      throw failure.reason;
    }
    pool.#started = size;
    for (const member of members) pool.#adopt(member);
    return pool;
  }

  /**
   * Starts `initial` of `size` threads in the background and returns at once: `acquire` waits for
   * the first one ready, so a caller can do other work (build the catalog, run a node itself)
   * meanwhile. The others start only when a node waits for a thread and none is idle or starting
   * for it, so a pipeline that never has two nodes ready at once costs one thread. If any of the
   * first `size` fails to start, every waiter (present and future) is rejected with its error and
   * `onOpenFailure` listeners hear it; `close` stops the others.
   */
  static begin<T extends PoolMember>(
    size: number,
    start: (signal: AbortSignal) => Promise<T>,
    initial = size,
  ): WorkerPool<T> {
    const pool = new WorkerPool(size, start);
    for (let started = 0; started < Math.min(initial, size); started++) void pool.#replace();
    return pool;
  }

  /** How many threads the pool runs at most. */
  get size(): number {
    return this.#size;
  }

  /**
   * Changes how many threads the pool may run (a run sizes it to its pipeline once it knows it).
   * Threads already started stay; more start only when nodes wait for them.
   */
  resize(size: number): void {
    this.#size = size;
    this.#serve();
  }

  /** Settles (never rejects) once every opening thread started so far is ready or has failed to start. */
  get opened(): Promise<void> {
    return Promise.all(this.#opening).then(() => undefined);
  }

  /** Threads still loading the project. */
  get starting(): number {
    return this.#starting;
  }

  /** Calls `listener` if one of the threads `begin` started fails to start. */
  onOpenFailure(listener: (error: Error) => void): void {
    if (this.#openFailure !== undefined) queueMicrotask(() => listener(this.#openFailure!));
    else this.#openFailureListeners.push(listener);
  }

  /** Threads alive and free to take a node now. */
  get idle(): number {
    return this.#idle.filter((member) => member.alive).length;
  }

  /** The threads alive and free to take a node now. */
  get idleMembers(): readonly T[] {
    return this.#idle.filter((member) => member.alive);
  }

  /** Threads alive, busy or idle. */
  get alive(): number {
    return this.#members.size;
  }

  /** Threads that died during the run. */
  get died(): number {
    return this.#died;
  }

  /**
   * An idle thread: at once if there is one, else once one is released or a replacement is ready.
   * With `preferred`, that thread if it is idle; with `only` as well, that thread and no other
   * (waiting for it if busy; rejected if it dies first). Aborting `signal` withdraws a caller
   * still waiting (the main thread took its node): it is rejected, and starts no thread any more.
   */
  acquire(preferred?: T, only = false, signal?: AbortSignal): Promise<T> {
    if (this.#closed) return Promise.reject(new ParallelRunnerError('The worker pool is closed.'));
    if (this.#openFailure !== undefined) return Promise.reject(this.#openFailure);
    if (signal?.aborted)
      return Promise.reject(new ParallelRunnerError('The wait for a worker thread was withdrawn.'));
    if (preferred !== undefined) {
      const at = this.#idle.indexOf(preferred);
      if (at >= 0 && preferred.alive) {
        this.#idle.splice(at, 1);
        return Promise.resolve(preferred);
      }
      if (only && !this.#members.has(preferred))
        return Promise.reject(new ParallelRunnerError('The worker thread asked for has exited.'));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter<T> = { only: only ? preferred : undefined, resolve, reject };
      this.#waiters.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const at = this.#waiters.indexOf(waiter);
          if (at < 0) return;
          this.#waiters.splice(at, 1);
          reject(new ParallelRunnerError('The wait for a worker thread was withdrawn.'));
        },
        { once: true },
      );
      this.#serve();
    });
  }

  /** Gives a thread back after its node settled. A dead one is simply forgotten. */
  release(member: T): void {
    if (!this.#members.has(member) || !member.alive) return;
    this.#idle.push(member);
    this.#serve();
  }

  /** Terminates every thread that is running a node; each of those nodes fails, saying `because`. */
  async terminateBusy(because: string): Promise<void> {
    const busy = [...this.#members].filter((member) => !this.#idle.includes(member));
    await Promise.all(busy.map((member) => member.terminate(because)));
  }

  /** Stops every thread (see `PoolMember.stop`); nothing can be acquired afterwards. */
  async close(graceMs: number): Promise<void> {
    this.#closed = true;
    const closed = new ParallelRunnerError('The worker pool is closed.');
    for (const waiter of this.#waiters.splice(0)) waiter.reject(closed);
    this.#idle.length = 0;
    this.#openFailureListeners.length = 0;
    // A thread still loading the project is told to stop (a worker thread is terminated at once,
    // rather than left to finish loading a project no node will use) and waited for: the run's
    // last hook (afterPipelineRun, onPipelineError) must come after every thread's start-up hooks.
    this.#stopStarting.abort();
    await Promise.all([...[...this.#members].map((member) => member.stop(graceMs)), ...this.#startups]);
  }

  #adopt(member: T): void {
    this.#members.add(member);
    this.#idle.push(member);
    member.onExit(() => {
      if (!this.#members.delete(member)) return;
      this.#died += this.#closed ? 0 : 1;
      const at = this.#idle.indexOf(member);
      if (at >= 0) this.#idle.splice(at, 1);
      this.#serve();
    });
  }

  /** Matches waiters with idle threads, starts replacements for the rest, fails them if none can come. */
  #serve(): void {
    if (this.#closed) return;
    if (this.#openFailure !== undefined) {
      for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#openFailure);
      return;
    }
    for (let at = 0; at < this.#idle.length;) {
      const member = this.#idle[at]!;
      // A waiter bound to this thread first (it holds that node's inputs), else the oldest free one.
      let index = this.#waiters.findIndex((waiter) => waiter.only === member);
      if (index < 0) index = this.#waiters.findIndex((waiter) => waiter.only === undefined);
      if (index < 0 || !member.alive) {
        at++;
        continue;
      }
      this.#idle.splice(at, 1);
      this.#waiters.splice(index, 1)[0]!.resolve(member);
    }
    for (const waiter of [...this.#waiters]) {
      if (waiter.only === undefined || this.#members.has(waiter.only)) continue;
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.reject(new ParallelRunnerError('The worker thread asked for has exited.'));
    }
    const unbound = this.#waiters.filter((waiter) => waiter.only === undefined).length;
    while (
      this.#startFailure === undefined &&
      unbound > this.#starting &&
      this.#members.size + this.#starting < this.#size
    )
      void this.#replace();
    if (this.#waiters.length > 0 && this.#members.size === 0 && this.#starting === 0) {
      const error = this.#noneLeft();
      for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
    }
  }

  /**
   * Starts a thread. One of the first `size`, while none died, is an opening one: its failure
   * ends the pool (the project can't be opened). A replacement's failure only stops further ones.
   */
  #replace(): Promise<void> {
    const opening = this.#started < this.#size && this.#died === 0;
    this.#started++;
    this.#starting++;
    const started = this.#start(this.#stopStarting.signal).then(
      (member) => {
        this.#starting--;
        if (this.#closed) return member.stop(0);
        this.#adopt(member);
        this.#serve();
      },
      (error: unknown) => {
        this.#starting--;
        if (this.#closed) return;
        if (opening) {
          if (this.#openFailure === undefined) {
            this.#openFailure = asError(error);
            for (const listener of this.#openFailureListeners.splice(0)) listener(this.#openFailure);
          }
        } else this.#startFailure = asError(error);
        this.#serve();
      },
    );
    if (opening) this.#opening.push(started);
    this.#startups.add(started);
    return started.finally(() => this.#startups.delete(started));
  }

  #noneLeft(): ParallelRunnerError {
    const cause = this.#startFailure;
    return new ParallelRunnerError(
      `No worker thread is left to run nodes: ${this.#died} of the parallel runner's threads died` +
        (cause === undefined ? '.' : ` and a new one could not start (${cause.message}).`),
      {
        ...(cause === undefined ? {} : { cause }),
        hint: 'Look at the first failure above: it names the node whose thread died. Fix it, or run with --runner sequential to see the error in this process.',
      },
    );
  }
}
