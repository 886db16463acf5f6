/**
 * How many node jobs a run keeps on the queue at once: as many as its workers run at once (the
 * sum of their `--concurrency`, refreshed from their heartbeats). A job enqueued beyond that would
 * only wait in Redis, yet start the moment a worker frees up, even after the run had failed or
 * been cancelled; held here instead, in run order, it simply never starts. With one worker slot
 * the run order is Kedro's sequential order exactly.
 */
export class DispatchSlots {
  #capacity: number;
  #used = 0;
  #closed: ((nodeName: string) => Error) | undefined;
  readonly #waiting: { nodeName: string; resolve: () => void; reject: (error: Error) => void }[] = [];

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  /** Follows the workers: more slots start waiting nodes, fewer let running ones finish. */
  set capacity(capacity: number) {
    this.#capacity = Math.max(1, capacity);
    this.#startWaiting();
  }

  /** Resolves when `nodeName` may be enqueued, in the order asked; rejects once the slots are closed. */
  acquire(nodeName: string): Promise<void> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed(nodeName));
    return new Promise((resolve, reject) => {
      this.#waiting.push({ nodeName, resolve, reject });
      this.#startWaiting();
    });
  }

  release(): void {
    this.#used--;
    this.#startWaiting();
  }

  /** No node starts any more: waiting ones are rejected with `reason(nodeName)`, now and later. */
  close(reason: (nodeName: string) => Error): string[] {
    this.#closed ??= reason;
    const refused = this.#waiting.splice(0);
    for (const waiter of refused) waiter.reject(reason(waiter.nodeName));
    return refused.map((waiter) => waiter.nodeName);
  }

  #startWaiting(): void {
    while (this.#used < this.#capacity && this.#waiting.length > 0) {
      this.#used++;
      this.#waiting.shift()!.resolve();
    }
  }
}
