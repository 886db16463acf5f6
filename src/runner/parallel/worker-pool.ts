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
  readonly size: number;
  readonly #start: () => Promise<T>;
  readonly #members = new Set<T>();
  readonly #idle: T[] = [];
  readonly #waiters: Waiter<T>[] = [];
  #starting = 0;
  #died = 0;
  /** Why the last replacement failed to start; no more are tried after one fails. */
  #startFailure: Error | undefined;
  #closed = false;

  private constructor(size: number, start: () => Promise<T>) {
    this.size = size;
    this.#start = start;
  }

  /**
   * Starts `size` threads at once. If any fails to start, the others are stopped and its error
   * is thrown.
   */
  static async open<T extends PoolMember>(
    size: number,
    start: () => Promise<T>,
    stopGraceMs: number,
  ): Promise<WorkerPool<T>> {
    const pool = new WorkerPool(size, start);
    const started = await Promise.allSettled(Array.from({ length: size }, () => start()));
    const members = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const failure = started.find(
      (outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected',
    );
    if (failure !== undefined) {
      await Promise.all(members.map((member) => member.stop(stopGraceMs)));
      throw failure.reason;
    }
    for (const member of members) pool.#adopt(member);
    return pool;
  }

  /** Threads alive, busy or idle. */
  get alive(): number {
    return this.#members.size;
  }

  /** Threads that died during the run. */
  get died(): number {
    return this.#died;
  }

  /** An idle thread: at once if there is one, else once one is released or a replacement is ready. */
  acquire(): Promise<T> {
    if (this.#closed) return Promise.reject(new ParallelRunnerError('The worker pool is closed.'));
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
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
    await Promise.all([...this.#members].map((member) => member.stop(graceMs)));
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
    while (this.#waiters.length > 0 && this.#idle.length > 0) {
      const member = this.#idle.shift()!;
      if (member.alive) this.#waiters.shift()!.resolve(member);
    }
    while (
      this.#startFailure === undefined &&
      this.#waiters.length > this.#starting &&
      this.#members.size + this.#starting < this.size
    )
      this.#replace();
    if (this.#waiters.length > 0 && this.#members.size === 0 && this.#starting === 0) {
      const error = this.#noneLeft();
      for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
    }
  }

  #replace(): void {
    this.#starting++;
    this.#start().then(
      (member) => {
        this.#starting--;
        if (this.#closed) {
          void member.stop(0);
          return;
        }
        this.#adopt(member);
        this.#serve();
      },
      (error: unknown) => {
        this.#starting--;
        this.#startFailure = asError(error);
        this.#serve();
      },
    );
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
