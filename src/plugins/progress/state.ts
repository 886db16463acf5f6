import type { ProgressStatus, SummaryRow } from './format.ts';

/** One node as the display knows it. */
export interface NodeProgress {
  readonly name: string;
  /** Position in run order: the display lists nodes in this order. */
  readonly index: number;
  status: ProgressStatus;
  /** `now()` at `beforeNodeRun`. */
  startedAt: number | undefined;
  /** From `beforeNodeRun` to `afterNodeRun` or `onNodeError`. */
  durationMs: number | undefined;
  /** The first line of the error's message, for failed nodes. */
  error: string | undefined;
  /** Why a plugin skipped the node (`onNodeSkipped`), for nodes skipped that way. */
  reason?: string | undefined;
  /** Loads and saves so far (every attempt), from `afterDatasetLoaded`/`afterDatasetSaved`. */
  loadMs: number | undefined;
  saveMs: number | undefined;
  /** `now()` at `onNodeStart`. */
  begunAt: number | undefined;
  /** `onNodeStart` to `onNodeEnd`: the whole node, hooks and retries included. */
  totalMs: number | undefined;
  /** Where each saved output went. */
  writtenTo: string[];
}

/**
 * The state of one run, kept in the main process: every node of the pipeline in run order, keyed
 * by full node name, with counts kept as nodes move so that a frame never has to recount. Each
 * event costs a map lookup and a few assignments.
 */
export class RunProgress {
  readonly runner: string;
  readonly startedAt: number;
  endedAt: number | undefined;
  readonly nodes: NodeProgress[] = [];
  readonly counts: Record<ProgressStatus, number> = { queued: 0, running: 0, done: 0, failed: 0, skipped: 0 };
  /** Running nodes, in the order they started. */
  readonly running = new Set<NodeProgress>();
  /** Nodes that finished (done or failed), in the order they did. */
  readonly finished: NodeProgress[] = [];
  readonly #byName = new Map<string, NodeProgress>();
  /** Nodes between `onNodeStart` and `onNodeEnd` now. */
  readonly #open = new Set<string>();
  /** The most nodes that were between `onNodeStart` and `onNodeEnd` at once. */
  #peakOverlap = 0;
  /** Some node ran outside the main thread (a parallel run that went serial has none). */
  #onWorkers = false;

  constructor(nodeNames: readonly string[], runner: string, startedAt: number) {
    this.runner = runner;
    this.startedAt = startedAt;
    for (const name of nodeNames) this.node(name);
  }

  /** The node of that name; one the pipeline didn't list (a relayed event from elsewhere) is added, queued. */
  node(name: string): NodeProgress {
    let entry = this.#byName.get(name);
    if (entry === undefined) {
      entry = {
        name,
        index: this.nodes.length,
        status: 'queued',
        startedAt: undefined,
        durationMs: undefined,
        error: undefined,
        loadMs: undefined,
        saveMs: undefined,
        begunAt: undefined,
        totalMs: undefined,
        writtenTo: [],
      };
      this.#byName.set(name, entry);
      this.nodes.push(entry);
      this.counts.queued++;
    }
    return entry;
  }

  start(name: string, now: number): NodeProgress {
    const entry = this.node(name);
    this.#move(entry, 'running');
    entry.startedAt = now;
    entry.durationMs = undefined;
    entry.error = undefined;
    this.running.add(entry);
    return entry;
  }

  /** An input of the node loaded in `ms`. */
  loaded(name: string, ms: number): void {
    const entry = this.node(name);
    entry.loadMs = (entry.loadMs ?? 0) + ms;
  }

  /** An output of the node was saved in `ms`, to `where`. */
  saved(name: string, ms: number, where: string): void {
    const entry = this.node(name);
    entry.saveMs = (entry.saveMs ?? 0) + ms;
    entry.writtenTo.push(where);
  }

  /**
   * The node's `onNodeStart`: loads and saves from an earlier run of it no longer count. `worker`
   * is where it runs (`main`, or a worker's name).
   */
  begun(name: string, now: number, worker = 'main'): void {
    const entry = this.node(name);
    if (worker !== 'main') this.#onWorkers = true;
    this.#open.add(name);
    this.#peakOverlap = Math.max(this.#peakOverlap, this.#open.size);
    entry.begunAt = now;
    entry.loadMs = undefined;
    entry.saveMs = undefined;
    entry.totalMs = undefined;
    entry.writtenTo = [];
  }

  /** The node's `onNodeEnd`: its whole time, since `onNodeStart`. */
  completed(name: string, now: number): void {
    const entry = this.node(name);
    this.#open.delete(name);
    if (entry.begunAt !== undefined) entry.totalMs = now - entry.begunAt;
  }

  /** The node ended: `done`, or `failed` with the error's first line. */
  end(name: string, status: 'done' | 'failed', now: number, error?: string): NodeProgress {
    const entry = this.node(name);
    this.#move(entry, status);
    this.running.delete(entry);
    entry.durationMs = entry.startedAt === undefined ? undefined : now - entry.startedAt;
    entry.error = error;
    this.finished.push(entry);
    return entry;
  }

  /** A plugin skipped the node (`onNodeSkipped`) for `reason`: it counts as skipped, with no duration. */
  skip(name: string, reason: string): NodeProgress {
    const entry = this.node(name);
    this.#move(entry, 'skipped');
    entry.reason = reason;
    return entry;
  }

  /**
   * The run ended. `skipped` names nodes the runner skipped (only-missing-outputs); nodes still
   * queued are skipped too (behind a failure, or never reached); a node still running lost its
   * end event (a crashed worker) and counts as failed with `error`. Returns every skipped node,
   * in run order.
   */
  close(now: number, skipped: readonly string[], error: string | undefined): NodeProgress[] {
    this.endedAt = now;
    for (const name of skipped) {
      const entry = this.node(name);
      if (entry.status === 'queued') this.#move(entry, 'skipped');
    }
    for (const entry of [...this.running]) this.end(entry.name, 'failed', now, error);
    const skippedEntries: NodeProgress[] = [];
    for (const entry of this.nodes) {
      if (entry.status === 'queued') this.#move(entry, 'skipped');
      if (entry.status === 'skipped') skippedEntries.push(entry);
    }
    return skippedEntries;
  }

  /** Milliseconds since the run started (until it ended). */
  elapsed(now: number): number {
    return (this.endedAt ?? now) - this.startedAt;
  }

  /**
   * The parallel runner ran two or more nodes, all of them successfully, some on worker threads,
   * but never two at once: its worker threads could only add their start-up (the summary says so).
   */
  get ranOneAtATime(): boolean {
    return (
      this.runner === 'parallel' &&
      this.#onWorkers &&
      this.#peakOverlap === 1 &&
      this.finished.length > 1 &&
      this.counts.failed === 0
    );
  }

  summaryRows(): SummaryRow[] {
    return this.nodes.map((entry) => ({
      node: entry.name,
      seconds: seconds(entry.durationMs),
      loadSeconds: seconds(entry.loadMs),
      saveSeconds: seconds(entry.saveMs),
      totalSeconds: seconds(entry.totalMs),
      writtenTo: entry.writtenTo,
      status: entry.status,
      ...(entry.reason === undefined ? {} : { note: entry.reason }),
    }));
  }

  #move(entry: NodeProgress, status: ProgressStatus): void {
    this.counts[entry.status]--;
    this.counts[status]++;
    entry.status = status;
  }
}

function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}
