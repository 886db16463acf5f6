import type { DataCatalog } from '../io/catalog.ts';
import { deepFreezeNoting, freezePlainData } from '../io/deep-freeze.ts';
import { isPromiseLike } from '../maybe-promise.ts';
import type { Node } from '../pipeline/node.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';

/**
 * Stands in a dataset's waiting set for readers that are not known here yet: nodes another thread
 * or a later dispatch will bring (the parallel runner plans one node at a time).
 */
const LATER = '\0later';

/** A load in flight whose value turned out not to be shareable: each waiting reader loads its own. */
const NOT_SHARED = Symbol('not shared');

/** One persisted dataset that several nodes of this run read in this thread. */
interface Share {
  readonly name: string;
  /** Nodes (by name) that will load it here and haven't yet; `LATER` for readers still to come. */
  readonly waiting: Set<string>;
  /** Where its data lives (`storageKeyOf`), so that a save through an alias drops the value too. */
  readonly location: string | undefined;
  /** True while `value` holds the frozen value, or the promise of it while the first load runs. */
  held: boolean;
  value: unknown;
  /** True when `value` is what a node saved (`cached`), not what a load read. */
  fromSave: boolean;
  /**
   * Readers that got a saved value and are not over yet: it is kept until they all are, so that a
   * retry of one gets the same value rather than the file's rendering of it.
   */
  readonly reading: Set<string>;
}

/**
 * Persisted datasets that several nodes of a run read, loaded once in this thread (process or
 * worker) and handed to each reader deep-frozen, the way memory datasets hand over their value
 * (docs/catalog.md, "Shared loads"). A dataset only one reader is left for is loaded and handed
 * over as it always was: no freeze, nothing kept. The value is let go as soon as the last reader
 * here has it, and dropped when anything saves to the dataset's location (so the next reader reads
 * the file again). Only plain data is shared (plain objects, arrays, primitives); a value holding
 * class instances (Arrow tables, typed arrays, `Date`) or functions is handed to its reader alone
 * and each later reader loads its own.
 *
 * A dataset marked `cached: true` is kept the same way from its save: the value its node saved,
 * for the readers to come here, instead of their reading the file back (docs/catalog.md, "Cached
 * datasets").
 *
 * `runNode` calls `load`, `freezeForReaders` and `savedValue`; the runner says who reads what:
 * `forPipeline` counts the readers of a run in one process, `plan` adds one node dispatched to
 * this thread.
 */
export class SharedLoads {
  readonly #catalog: DataCatalog;
  readonly #shares = new Map<string, Share>();
  /** Datasets whose value turned out not to be plain data: never planned again in this run. */
  readonly #unshareable = new Set<string>();
  /** Where each saved dataset lives, looked up once. */
  readonly #locations = new Map<string, string | null>();
  /** Whether the catalog keeps saved values of each dataset saved here (`cached`), looked up once. */
  readonly #keepsSavedNames = new Map<string, boolean>();

  constructor(catalog: DataCatalog) {
    this.#catalog = catalog;
  }

  /**
   * The shares of a run in this process: every dataset of `pipeline` the catalog lets share
   * (`catalog.sharesLoads`) and at least two of its nodes read. Undefined when there is none, so
   * that a run without shared loads costs `runNode` one property read per load.
   */
  static forPipeline(pipeline: Pipeline, catalog: DataCatalog): SharedLoads | undefined {
    // Asked per input first, so that a pipeline of memory datasets allocates nothing here.
    let readers: Map<string, string[]> | undefined;
    for (const node of pipeline.nodes)
      for (const name of node.inputs) {
        const list = readers?.get(name);
        if (list !== undefined) {
          if (!list.includes(node.name)) list.push(node.name);
        } else if (catalog.sharesLoads(name)) (readers ??= new Map()).set(name, [node.name]);
      }
    let shared: SharedLoads | undefined;
    for (const [name, nodes] of readers ?? []) {
      // One reader is enough for a dataset whose saved value is kept for its readers (`cached`).
      if (nodes.length < 2 && !(catalog.keepsSaved(name) && pipeline.allOutputs().has(name))) continue;
      shared ??= new SharedLoads(catalog);
      for (const nodeName of nodes) shared.#share(name).waiting.add(nodeName);
    }
    return shared;
  }

  /**
   * `node` will load `name` in this thread; `later`: more readers of `name` are still to come after
   * it (here or elsewhere), so its load is kept for them until `noneLater(name)`. When `node` saves
   * `name` instead (a `cached` dataset), `later` says whether its readers are to come: the saved
   * value is then kept for them (`savedValue`).
   */
  plan(node: Node, name: string, later: boolean): void {
    if (this.#unshareable.has(name)) return;
    const share = this.#share(name);
    if (node.inputs.includes(name)) share.waiting.add(node.name);
    if (later) share.waiting.add(LATER);
    else share.waiting.delete(LATER);
  }

  /**
   * Loads `name` for `node`: the shared value when there is one, else the dataset's own load (kept,
   * frozen, when other readers are still to come). A promise when the load is asynchronous.
   */
  load(node: Node, name: string): unknown {
    const share = this.#shares.get(name);
    if (share === undefined) return this.#catalog.get(name).load();
    share.waiting.delete(node.name);
    const othersToCome = share.waiting.size > 0;
    if (share.held) {
      const value = share.value;
      // A saved value is let go by `finished`, once its last reader is over.
      if (share.fromSave) share.reading.add(node.name);
      else if (!othersToCome) this.#release(share);
      return isPromiseLike(value) ? this.#awaitShared(name, value) : value;
    }
    const loaded = this.#catalog.get(name).load();
    if (!othersToCome) return loaded;
    if (!isPromiseLike(loaded)) return this.#keep(share, loaded);
    // Readers that come while the load runs wait for it instead of reading the file again.
    const pending: Promise<unknown> = Promise.resolve(loaded).then(
      (value) => {
        const current = share.value === pending;
        if (!freezePlainData(value)) {
          if (current) this.#refuse(share);
          return NOT_SHARED;
        }
        if (current) share.value = value;
        return value;
      },
      (error: unknown) => {
        // Another reader, or a retry, tries again on its own.
        if (share.value === pending) this.#release(share);
        throw error;
      },
    );
    share.held = true;
    share.value = pending;
    return this.#awaitShared(name, pending);
  }

  /**
   * `value` was saved to `name`: what was kept of where it lives is dropped, and when the catalog
   * keeps saved values of `name` (`cached: true`) and readers of it are still to come here, `value`
   * is kept for them, deep-frozen, when it is plain data. Otherwise they read the file (the value
   * is frozen all the same, as a memory dataset's is: its plain objects and arrays).
   */
  savedValue(name: string, value: unknown): void {
    this.saved(name);
    const share = this.#keptOnSave(name);
    if (share === undefined) return;
    // Frozen before the hooks already (`freezeForReaders`): then this costs one lookup.
    if (!deepFreezeNoting(value)) return;
    share.held = true;
    share.value = value;
    share.fromSave = true;
  }

  /**
   * `node` returned `outputs`: those `savedValue` will keep for readers to come (`cached`) are
   * frozen now, before the hooks that follow the node see them, so that what they check or record
   * can't change before a reader gets it. Class instances inside are left as they are, as a
   * memory dataset leaves them.
   */
  freezeForReaders(node: Node, outputs: Readonly<Record<string, unknown>>): void {
    if (this.#shares.size === 0) return;
    for (const name of node.outputs)
      if (this.#keptOnSave(name) !== undefined) deepFreezeNoting(outputs[name]);
  }

  /** `name` was saved: every shared value stored where it lives is dropped. */
  saved(name: string): void {
    if (this.#shares.size === 0) return;
    const location = this.#locationOf(name);
    for (const share of this.#shares.values()) {
      if (!share.held) continue;
      if (share.name === name || (location !== undefined && share.location === location))
        this.#release(share);
    }
  }

  /**
   * `node` is over (done, failed or skipped): it will not load its inputs here any more, so values
   * only it was still expected to read are let go.
   */
  finished(node: Node): void {
    for (const name of node.inputs) {
      const share = this.#shares.get(name);
      if (share === undefined) continue;
      const wasReading = share.reading.delete(node.name);
      const wasWaiting = share.waiting.delete(node.name);
      if ((wasReading || wasWaiting) && !this.#wanted(share)) this.#release(share);
    }
  }

  /**
   * No reader of `name` other than those planned already will come to this thread: once they have
   * loaded it, its value is let go (at once if none is left).
   */
  noneLater(name: string): void {
    const share = this.#shares.get(name);
    if (share === undefined) return;
    share.waiting.delete(LATER);
    if (!this.#wanted(share)) this.#release(share);
  }

  /** Lets every value go (the run is over). */
  clear(): void {
    for (const share of this.#shares.values()) {
      share.waiting.clear();
      this.#release(share);
    }
  }

  /** True when a value of `name` (or its load in flight) is kept here. */
  holds(name: string): boolean {
    return this.#shares.get(name)?.held === true;
  }

  /** The names whose values are kept here. */
  heldNames(): string[] {
    return [...this.#shares.values()].filter((share) => share.held).map((share) => share.name);
  }

  /** Datasets that readers will still load here (nodes known, or `later` ones). */
  isWaitedFor(name: string): boolean {
    return (this.#shares.get(name)?.waiting.size ?? 0) > 0;
  }

  #share(name: string): Share {
    let share = this.#shares.get(name);
    if (share === undefined) {
      share = {
        name,
        waiting: new Set(),
        location: this.#locationOf(name),
        held: false,
        value: undefined,
        fromSave: false,
        reading: new Set(),
      };
      this.#shares.set(name, share);
    }
    return share;
  }

  /** Freezes `value` and keeps it for the readers to come; not shareable: handed over alone. */
  #keep(share: Share, value: unknown): unknown {
    if (!freezePlainData(value)) {
      // Partly frozen by the attempt: this reader gets a value of its own, as do the next ones.
      this.#refuse(share);
      return this.#catalog.get(share.name).load();
    }
    share.held = true;
    share.value = value;
    return value;
  }

  #awaitShared(name: string, pending: PromiseLike<unknown>): Promise<unknown> {
    return Promise.resolve(pending).then((value) =>
      value === NOT_SHARED ? this.#catalog.get(name).load() : value,
    );
  }

  /** The dataset's value is not plain data: from now on every reader loads its own. */
  #refuse(share: Share): void {
    this.#shares.delete(share.name);
    this.#unshareable.add(share.name);
    this.#release(share);
  }

  #release(share: Share): void {
    share.held = false;
    share.value = undefined;
    share.fromSave = false;
    share.reading.clear();
  }

  /** True while readers are to come, or readers of a saved value are not over. */
  #wanted(share: Share): boolean {
    return share.waiting.size > 0 || share.reading.size > 0;
  }

  /** The share of `name` when a value saved to it now would be kept: `cached`, readers to come. */
  #keptOnSave(name: string): Share | undefined {
    const share = this.#shares.get(name);
    return share === undefined || share.waiting.size === 0 || !this.#keepsSaved(name) ? undefined : share;
  }

  #keepsSaved(name: string): boolean {
    let keeps = this.#keepsSavedNames.get(name);
    if (keeps === undefined) this.#keepsSavedNames.set(name, (keeps = this.#catalog.keepsSaved(name)));
    return keeps;
  }

  #locationOf(name: string): string | undefined {
    let location = this.#locations.get(name);
    if (location === undefined) {
      location = this.#catalog.storageKeyOf(name) ?? null;
      this.#locations.set(name, location);
    }
    return location ?? undefined;
  }
}
