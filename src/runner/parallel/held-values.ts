import type { DataCatalog } from '../../io/catalog.ts';
import { isPromiseLike } from '../../maybe-promise.ts';
import type { Node } from '../../pipeline/node.ts';
import type { NodePreference } from '../schedule.ts';
import { ParallelRunnerError } from './errors.ts';
import type { WorkerHandle } from './worker-handle.ts';

/**
 * Memory values the parallel runner's workers keep instead of sending them to the main thread:
 * which worker holds each one (a value fetched elsewhere is held there too), and its size. A
 * value whose only holder died is lost: a node that reads it fails, saying so.
 */
export class HeldValues {
  readonly #holders = new Map<string, Set<WorkerHandle>>();
  readonly #elements = new Map<string, number>();
  /** Dataset name → the thread that held it when that thread died. */
  readonly #lost = new Map<string, number>();
  readonly #watched = new WeakSet<WorkerHandle>();
  /** Per worker, the persisted datasets whose shared load it holds (`SharedLoads`), as it last said. */
  readonly #sharing = new Map<WorkerHandle, ReadonlySet<string>>();

  /** `worker` keeps `name`'s value, of `elements` elements. */
  add(name: string, worker: WorkerHandle, elements: number): void {
    if (!worker.alive) {
      // It died after it finished the node (its exit was heard before the node's end).
      this.#lost.set(name, worker.threadId);
      return;
    }
    let holders = this.#holders.get(name);
    if (holders === undefined) this.#holders.set(name, (holders = new Set()));
    holders.add(worker);
    this.#elements.set(name, elements);
    this.#lost.delete(name);
    if (this.#watched.has(worker)) return;
    this.#watched.add(worker);
    worker.onExit(() => {
      for (const [held, set] of this.#holders) {
        if (!set.delete(worker) || set.size > 0) continue;
        this.#holders.delete(held);
        this.#lost.set(held, worker.threadId);
      }
    });
  }

  /** True when `worker` keeps `name`. */
  holds(worker: WorkerHandle, name: string): boolean {
    return this.#holders.get(name)?.has(worker) ?? false;
  }

  /** The value of `name` is only in workers (the main thread has no copy). */
  onlyInWorkers(name: string, catalog: DataCatalog): boolean {
    if (!this.#holders.has(name)) return false;
    const exists = catalog.get(name).exists();
    return isPromiseLike(exists) || !exists;
  }

  /** Size of `name`'s value, as its worker measured it. */
  elements(name: string): number {
    return this.#elements.get(name) ?? 0;
  }

  /** A living worker that keeps `name`, if any. */
  holderOf(name: string): WorkerHandle | undefined {
    for (const worker of this.#holders.get(name) ?? []) if (worker.alive) return worker;
    return undefined;
  }

  /**
   * The worker keeping the largest share of `names` (by elements), and how many elements it
   * keeps of them; undefined when workers keep none of them.
   */
  bestHolder(names: readonly string[]): { worker: WorkerHandle; elements: number } | undefined {
    const shares = new Map<WorkerHandle, number>();
    for (const name of names)
      for (const worker of this.#holders.get(name) ?? [])
        shares.set(worker, (shares.get(worker) ?? 0) + this.elements(name) + 1);
    let best: { worker: WorkerHandle; elements: number } | undefined;
    for (const [worker, elements] of shares)
      if (best === undefined || elements > best.elements) best = { worker, elements };
    return best;
  }

  /** Throws if one of `names` was lost with a dead worker thread (and the main thread has no copy). */
  assertNotLost(nodeName: string, names: readonly string[], catalog: DataCatalog): void {
    for (const name of names) {
      const thread = this.#lost.get(name);
      if (thread === undefined || catalog.get(name).exists() === true) continue;
      throw new ParallelRunnerError(
        `Node "${nodeName}" can't run: its input "${name}" was kept by worker thread ${thread}, which died.`,
        {
          hint: `Fix what ended that thread (its node's failure is reported above), or declare "${name}" as a file dataset in catalog.yml so its value outlives a thread.`,
        },
      );
    }
  }

  /** `worker` holds shared loads of `names` now (what it said after its last node). */
  setSharing(worker: WorkerHandle, names: readonly string[]): void {
    if (names.length === 0) this.#sharing.delete(worker);
    else this.#sharing.set(worker, new Set(names));
  }

  /**
   * `worker` is about to load `names` and keep them for later readers: it counts as holding them
   * from now on, so that a save elsewhere before its node ends reaches it (`saved`).
   */
  addSharing(worker: WorkerHandle, names: readonly string[]): void {
    if (names.length === 0) return;
    this.#sharing.set(worker, new Set([...(this.#sharing.get(worker) ?? []), ...names]));
  }

  /**
   * The living worker holding shared loads of the most of `names`: a node that reads them is
   * better placed there when it is free, since it would not read the files again.
   */
  bestSharer(names: readonly string[]): WorkerHandle | undefined {
    if (names.length === 0 || this.#sharing.size === 0) return undefined;
    let best: WorkerHandle | undefined;
    let most = 0;
    for (const [worker, held] of this.#sharing) {
      if (!worker.alive) continue;
      let count = 0;
      for (const name of names) if (held.has(name)) count++;
      if (count > most) [best, most] = [worker, count];
    }
    return best;
  }

  /**
   * Steers the next ready nodes to `idle` workers that hold one of their inputs (a value kept, or
   * a shared load) that some other of the `members` workers lacks: a worker freed by a branch's
   * node takes that branch's next node, so its values needn't cross threads and its files needn't
   * be read twice. An input every worker holds (a file all branches read) draws no node anywhere.
   * A node is wanted only by the worker the runner would send it to (`bestHolder`, else
   * `bestSharer`, as in `runOnPool`), and each idle worker wants one node per round. Undefined when
   * nothing is held. The work is done per node asked about: a round costs no more than the nodes
   * it looks at, however many values are held.
   */
  preferFor(idle: readonly WorkerHandle[], members: number): NodePreference | undefined {
    if (idle.length === 0 || (this.#holders.size === 0 && this.#sharing.size === 0)) return undefined;
    const free = new Set(idle);
    return {
      get exhausted() {
        return free.size === 0;
      },
      wants: (node: Node) => {
        const target = this.bestHolder(node.inputs)?.worker ?? this.bestSharer(node.inputs);
        if (target === undefined || !free.has(target)) return false;
        if (!node.inputs.some((name) => this.#heldHere(target, name) && this.#holderCount(name) < members))
          return false;
        free.delete(target);
        return true;
      },
    };
  }

  #heldHere(worker: WorkerHandle, name: string): boolean {
    return this.holds(worker, name) || (this.#sharing.get(worker)?.has(name) ?? false);
  }

  /** How many living workers hold `name`, as a kept value or a shared load. */
  #holderCount(name: string): number {
    const holders = new Set<WorkerHandle>();
    for (const worker of this.#holders.get(name) ?? []) if (worker.alive) holders.add(worker);
    for (const [worker, names] of this.#sharing) if (worker.alive && names.has(name)) holders.add(worker);
    return holders.size;
  }

  /** No more readers of shared load `name` will be sent to workers but `except`: they let it go. */
  unshare(name: string, except?: WorkerHandle): void {
    for (const [worker, held] of this.#sharing) {
      if (worker === except || !held.has(name)) continue;
      worker.unshare([name]);
      const rest = [...held].filter((other) => other !== name);
      this.setSharing(worker, rest);
    }
  }

  /** Another thread saved `names`: every worker holding shared loads checks which are stale. */
  saved(names: readonly string[], except?: WorkerHandle): void {
    for (const worker of this.#sharing.keys()) if (worker !== except) worker.saved(names);
  }

  /** No node needs `name` any more: its holders drop it. */
  release(name: string): void {
    const holders = this.#holders.get(name);
    if (holders === undefined) return;
    this.#holders.delete(name);
    this.#elements.delete(name);
    for (const worker of holders) worker.release([name]);
  }
}
