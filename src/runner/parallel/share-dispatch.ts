import type { DataCatalog } from '../../io/catalog.ts';
import type { Node } from '../../pipeline/node.ts';
import type { Pipeline } from '../../pipeline/pipeline.ts';

/** A node without shared inputs: nothing to plan. */
export const NO_SHARE: Readonly<Record<string, boolean>> = Object.freeze({});

/**
 * The parallel runner's side of shared loads: which persisted datasets several nodes of the run
 * read (those the catalog lets share), and how many of their readers are still to be sent to a
 * thread. Each thread keeps its own `SharedLoads`; this tells it, node by node, whether readers
 * come after the one it got, so that it keeps a load only while one may.
 */
export class ShareDispatch {
  readonly #toSend = new Map<string, number>();
  /**
   * Datasets whose saved value the thread that saved it keeps for their readers (`cached: true`),
   * and which a node of the run saves: one reader is enough to plan them.
   */
  readonly #keptOnSave = new Set<string>();

  constructor(pipeline: Pipeline, catalog: DataCatalog) {
    for (const node of pipeline.nodes)
      for (const name of new Set(node.inputs)) {
        const counted = this.#toSend.get(name);
        if (counted !== undefined) this.#toSend.set(name, counted + 1);
        else if (catalog.sharesLoads(name)) this.#toSend.set(name, 1);
      }
    const saved = pipeline.allOutputs();
    for (const name of this.#toSend.keys())
      if (saved.has(name) && catalog.keepsSaved(name)) this.#keptOnSave.add(name);
    for (const [name, count] of this.#toSend)
      if (count < 2 && !this.#keptOnSave.has(name)) this.#toSend.delete(name);
  }

  /** True when the run has no dataset to share: the runner needn't plan anything. */
  get empty(): boolean {
    return this.#toSend.size === 0;
  }

  /**
   * `node` is being sent to a thread: its shared inputs, each with whether readers of it remain
   * to be sent after it, and its `cached` outputs that readers will read (true: the thread keeps
   * the value it saves for them). Call it once per node.
   */
  send(node: Node): Readonly<Record<string, boolean>> {
    let share: Record<string, boolean> | undefined;
    for (const name of node.inputs) {
      const left = this.#toSend.get(name);
      if (left === undefined || share?.[name] !== undefined) continue;
      this.#toSend.set(name, left - 1);
      (share ??= {})[name] = left - 1 > 0;
    }
    if (this.#keptOnSave.size > 0)
      for (const name of node.outputs)
        if (this.#keptOnSave.has(name) && (this.#toSend.get(name) ?? 0) > 0) (share ??= {})[name] = true;
    return share ?? NO_SHARE;
  }

  /** `node`'s inputs the run shares, without counting it as sent. */
  sharedInputs(node: Node): string[] {
    return node.inputs.filter((name) => this.#toSend.has(name));
  }

  /** The datasets the run shares. */
  names(): IterableIterator<string> {
    return this.#toSend.keys();
  }
}
