import { distributedWorker } from '../worker-names.ts';

/**
 * The concurrent slots of one distributed worker process, so that each node job knows which slot
 * runs it (the `worker` its node hooks name: `host:pid/slot 2`). A job takes the lowest free
 * slot and gives it back when it ends, so a worker with concurrency N only ever names slots 1..N.
 * Names are made once per slot, not per job.
 */
export class WorkerSlots {
  readonly #busy: boolean[] = [];
  readonly #names: string[] = [];

  /** Takes the lowest free slot; returns its number (from 1). */
  take(): number {
    let index = this.#busy.indexOf(false);
    if (index === -1) index = this.#busy.length;
    this.#busy[index] = true;
    return index + 1;
  }

  give(slot: number): void {
    this.#busy[slot - 1] = false;
  }

  /** The `worker` name of `slot` in this process. */
  name(slot: number): string {
    return (this.#names[slot - 1] ??= distributedWorker(slot));
  }
}
