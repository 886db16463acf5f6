import type { Node } from '../pipeline/node.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import { asError } from '../errors.ts';
import { NodeFailuresError, RunCancelledError, stopsTheRun } from './errors.ts';
import type { RunState } from './runner.ts';

/** How a node that didn't fail ended, when not simply completed. */
export type NodeOutcome = 'skipped';

/** How `executeNodes` schedules. */
export interface ScheduleOptions {
  /** How many nodes may run at once. 1 gives Kedro's sequential order exactly. */
  readonly concurrency: number;
  readonly signal?: AbortSignal | undefined;
  readonly continueOnFailure?: boolean | undefined;
  readonly state: RunState;
  /** Runs one node (in this process or elsewhere); `'skipped'` when a plugin skipped it (`nodeSkip`). */
  readonly execute: (node: Node, scheduling: NodeScheduling) => Promise<NodeOutcome | void>;
  /** Called after each node completes, before its children are scheduled. */
  readonly afterNode?: ((node: Node) => void | Promise<void>) | undefined;
  /**
   * Called once for each node that will not run because a node it depends on failed
   * (`continueOnFailure`), so that what was kept for it (shared loads) can be let go.
   */
  readonly onBlocked?: ((node: Node) => void) | undefined;
  /**
   * Lets the runner steer which ready node takes a free slot: called once each time free slots
   * are filled, it returns a preference (or none). The earliest ready node it `wants`, among the
   * first `PICK_WINDOW` in run order (or `order`), goes first; otherwise the earliest ready node
   * that would not wait for its thread (`waits`), else the earliest. A preference goes before
   * `order`: the parallel runner's keeps a branch's values in one thread.
   */
  readonly prefer?: (() => NodePreference | undefined) | undefined;
  /**
   * The order in which ready nodes go, in place of the pipeline's run order: the pipeline's own
   * nodes, each once (`estimateRun` gives one). Only the parallel runner passes one.
   */
  readonly order?: readonly Node[] | undefined;
}

/** What `executeNodes` tells a node it runs about the rest of the run. */
export interface NodeScheduling {
  /**
   * True while the node asking is the only one running (its children not yet ready) and no other
   * node is ready: nothing could run beside it until it ends.
   */
  alone(): boolean;
}

/** A runner's wish for the next node (see `ScheduleOptions.prefer`). */
export interface NodePreference {
  /** True to take `node` now. Called in run order (or `order`); a `true` means the node is taken. */
  wants(node: Node): boolean;
  /**
   * True once it can want nothing more this round: `wants` is not asked any more, and the rest go
   * in run order (nodes that would `wait` last).
   */
  readonly exhausted?: boolean;
  /**
   * True for a node that would only wait if it took the slot now (the parallel runner: a node
   * that must run in a busy main thread). When no node is wanted, the earliest ready node that
   * would not wait goes first, among the first `PICK_WINDOW`; if every one would, the earliest.
   */
  waits?(node: Node): boolean;
}

/** How many ready nodes a preference is asked about, at most, per free slot. */
export const PICK_WINDOW = 32;

/**
 * Runs a pipeline's nodes as their dependencies allow, at most `concurrency` at a time. Among
 * ready nodes the one earliest in the pipeline's run order (or `order`) goes first, so with one
 * slot and no `order` the order is Kedro's (the Kahn layers, flattened). On a failure it stops
 * scheduling and lets running nodes settle, then rethrows the node's own error; with
 * `continueOnFailure` it skips only what depends on the failed node and reports every failure at
 * the end. An aborted signal stops scheduling the same way and fails with `RunCancelledError`.
 */
export async function executeNodes(pipeline: Pipeline, options: ScheduleOptions): Promise<void> {
  const order = pipeline.nodes;
  const position = new Map<Node, number>();
  (options.order ?? order).forEach((node, index) => position.set(node, index));
  if (
    options.order !== undefined &&
    (position.size !== order.length || order.some((node) => !position.has(node)))
  )
    throw new RangeError(
      "executeNodes: `order` must hold each of the pipeline's nodes once, and nothing else.",
    );
  const waitingOn = new Map<Node, number>();
  const children = new Map<Node, Node[]>();
  for (const node of order) {
    const parents = pipeline.parentsOf(node);
    waitingOn.set(node, parents.length);
    for (const parent of parents) {
      let list = children.get(parent);
      if (list === undefined) children.set(parent, (list = []));
      list.push(node);
    }
  }
  const ready = new MinHeap((node: Node) => position.get(node)!);
  for (const node of order) if (waitingOn.get(node) === 0) ready.push(node);

  const { state, signal } = options;
  const blocked = new Set<Node>();
  let firstError: Error | undefined;
  let running = 0;
  let wake: (() => void) | undefined;
  const settled = () => {
    running--;
    wake?.();
  };
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  const scheduling: NodeScheduling = { alone: () => running === 1 && ready.size === 0 };

  const complete = async (node: Node, outcome: NodeOutcome | void) => {
    // A skipped node counts as done: its children run, and a resumed run needn't repeat it.
    if (outcome === 'skipped') {
      state.skipped.push(node.name);
      state.upToDate.push(node.name);
    } else {
      state.completed.push(node.name);
    }
    await options.afterNode?.(node);
    for (const child of children.get(node) ?? []) {
      const remaining = waitingOn.get(child)! - 1;
      waitingOn.set(child, remaining);
      if (remaining === 0 && !blocked.has(child)) ready.push(child);
    }
  };
  const fail = (node: Node, thrown: unknown) => {
    const error = asError(thrown);
    state.failed.push({ nodeName: node.name, error });
    // A plugin's failure is not the node's: going on would only repeat it on every later node.
    if (options.continueOnFailure && !stopsTheRun(error)) {
      for (const descendant of descendantsOf(node, children)) {
        if (!blocked.has(descendant)) {
          blocked.add(descendant);
          state.skipped.push(descendant.name);
          try {
            options.onBlocked?.(descendant);
          } catch (thrown) {
            // The runner's own bookkeeping failed: stop scheduling rather than go on half-blind.
            firstError ??= asError(thrown);
          }
        }
      }
    } else {
      firstError ??= error;
    }
  };

  try {
    while (true) {
      const stopping = firstError !== undefined || signal?.aborted === true;
      try {
        const preference =
          !stopping && running < options.concurrency && ready.size > 1 ? options.prefer?.() : undefined;
        while (!stopping && running < options.concurrency && ready.size > 0) {
          const node = preference === undefined ? ready.pop()! : ready.popPreferred(preference);
          running++;
          options.execute(node, scheduling).then(
            (outcome) =>
              complete(node, outcome).then(settled, (error: unknown) => {
                fail(node, error);
                settled();
              }),
            (error: unknown) => {
              fail(node, error);
              settled();
            },
          );
        }
      } catch (thrown) {
        // The runner's preference failed: stop scheduling, as on a node's failure, so that the
        // nodes running settle before the run fails with it.
        firstError ??= asError(thrown);
      }
      if (running === 0) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }

  // A node that fails while the run winds down after a cancel (its subprocess got the same
  // Ctrl-C, say) doesn't turn the cancellation into an ordinary failure.
  if (signal?.aborted) throw new RunCancelledError(abortReason(signal), firstError);
  if (firstError !== undefined) throw firstError;
  if (state.failed.length > 0) throw new NodeFailuresError(state.failed, state.skipped);
}

function abortReason(signal: AbortSignal): string | undefined {
  const reason: unknown = signal.reason;
  if (typeof reason === 'string') return reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason.message;
  return undefined;
}

function descendantsOf(node: Node, children: ReadonlyMap<Node, Node[]>): Node[] {
  const found = new Set<Node>();
  const stack = [...(children.get(node) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (found.has(next)) continue;
    found.add(next);
    stack.push(...(children.get(next) ?? []));
  }
  return [...found];
}

/** A binary min-heap keyed by a number: ready nodes by run-order position, O(log n) per node. */
class MinHeap<T> {
  readonly #items: T[] = [];
  readonly #key: (item: T) => number;

  constructor(key: (item: T) => number) {
    this.#key = key;
  }

  get size(): number {
    return this.#items.length;
  }

  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.#key(items[parent]!) <= this.#key(items[index]!)) break;
      [items[parent], items[index]] = [items[index]!, items[parent]!];
      index = parent;
    }
  }

  /**
   * The first item in key order, among the first `PICK_WINDOW`, that `preference` wants; else
   * the first that would not wait; else the first item. Only called when there is one.
   */
  popPreferred(preference: {
    wants(item: T): boolean;
    readonly exhausted?: boolean | undefined;
    waits?(item: T): boolean;
  }): T {
    if (preference.exhausted && preference.waits === undefined) return this.pop()!;
    const passed: T[] = [];
    let firstNotWaiting = -1;
    try {
      while (this.#items.length > 0 && passed.length < PICK_WINDOW) {
        const item = this.pop()!;
        passed.push(item);
        const wanting = !preference.exhausted;
        if (wanting && preference.wants(item)) return passed.pop()!;
        if (firstNotWaiting === -1 && preference.waits?.(item) !== true) {
          firstNotWaiting = passed.length - 1;
          if (!wanting) break;
        }
      }
      return passed.splice(Math.max(firstNotWaiting, 0), 1)[0]!;
    } finally {
      // Also when `wants` throws: no ready node is lost.
      for (const item of passed) this.push(item);
    }
  }

  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let index = 0;
      while (true) {
        const left = index * 2 + 1;
        const right = left + 1;
        let smallest = index;
        if (left < items.length && this.#key(items[left]!) < this.#key(items[smallest]!)) smallest = left;
        if (right < items.length && this.#key(items[right]!) < this.#key(items[smallest]!)) smallest = right;
        if (smallest === index) break;
        [items[smallest], items[index]] = [items[index]!, items[smallest]!];
        index = smallest;
      }
    }
    return top;
  }
}
