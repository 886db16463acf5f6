/**
 * Turns each node's lifecycle hooks (`onNodeStart`, `onNodeRetry`, `onNodeEnd`) into step
 * outcomes: a retry per failed attempt that will run again, then success or failure once. It keeps
 * what a step hook's context needs: attempt numbers, durations and the node's parameters. Public
 * (`sluice/plugin`) for any plugin that reports per-node outcomes; the step-hooks and alerts
 * plugins each keep their own tracker.
 */
import type { DataCatalog } from '../io/catalog.ts';
import { isParameterName, PARAMS_PREFIX } from '../io/catalog-parameters.ts';
import type { Node } from '../pipeline/node.ts';

/** One outcome, with everything but the project and pipeline name of a step hook context. */
export type StepOutcome = {
  readonly node: Node;
  readonly runId: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly attempt: number;
  readonly durationMs: number;
  readonly attemptDurationMs: number;
} & (
  | { readonly outcome: 'success'; readonly error?: undefined }
  | { readonly outcome: 'failure'; readonly error: Error }
  | { readonly outcome: 'retry'; readonly error: Error; readonly delayMs: number }
);

interface NodeTrack {
  readonly startedAt: number;
  attemptStartedAt: number;
  attempt: number;
  readonly runId: string;
}

/**
 * Call `start`, `retry` and `end` from the plugin's `onNodeStart`, `onNodeRetry` and `onNodeEnd`
 * hooks; `forget` when the node ends because a plugin failed. Give `now` to control the clock.
 */
export class StepTracker {
  readonly #now: () => number;
  /** By full node name: a name runs once at a time in a run. */
  readonly #tracks = new Map<string, NodeTrack>();

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** The node starts (`onNodeStart`). */
  start(node: Node, runId: string): void {
    const now = this.#now();
    this.#tracks.set(node.name, { startedAt: now, attemptStartedAt: now, attempt: 1, runId });
  }

  /** An attempt failed and will be retried after `delayMs` (`onNodeRetry`). */
  retry(
    node: Node,
    error: Error,
    attempt: number,
    delayMs: number,
    catalog: DataCatalog,
    runId: string,
  ): StepOutcome {
    const track = this.#track(node, runId);
    const now = this.#now();
    const outcome: StepOutcome = {
      ...this.#common(node, track, now, catalog),
      attempt,
      outcome: 'retry',
      error,
      delayMs,
    };
    track.attempt = attempt + 1;
    track.attemptStartedAt = now + delayMs;
    return outcome;
  }

  /** The node ended (`onNodeEnd`): success when `error` is undefined, else failure. */
  end(node: Node, error: Error | undefined, catalog: DataCatalog, runId: string): StepOutcome {
    const track = this.#track(node, runId);
    this.#tracks.delete(node.name);
    const common = this.#common(node, track, this.#now(), catalog);
    return error === undefined ? { ...common, outcome: 'success' } : { ...common, outcome: 'failure', error };
  }

  /** Forgets a node without an outcome (a plugin, not the node, failed). */
  forget(node: Node): void {
    this.#tracks.delete(node.name);
  }

  /** A node whose start was missed (a plugin registered mid-run) is timed from now. */
  #track(node: Node, runId: string): NodeTrack {
    let track = this.#tracks.get(node.name);
    if (track === undefined) {
      this.start(node, runId);
      track = this.#tracks.get(node.name)!;
    }
    return track;
  }

  #common(node: Node, track: NodeTrack, now: number, catalog: DataCatalog) {
    return {
      node,
      runId: track.runId,
      params: paramsOf(node, catalog),
      attempt: track.attempt,
      durationMs: now - track.startedAt,
      attemptDurationMs: Math.max(0, now - track.attemptStartedAt),
    };
  }
}

/** The values of the node's parameter inputs, read from the catalog, where parameters live. */
function paramsOf(node: Node, catalog: DataCatalog): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const name of node.inputs) {
    if (!isParameterName(name) || !catalog.has(name)) continue;
    const key = name.startsWith(PARAMS_PREFIX) ? name.slice(PARAMS_PREFIX.length) : name;
    try {
      const value = catalog.get(name).load();
      // Parameters are memory datasets and load synchronously; anything else is left out.
      if (!(value instanceof Promise)) params[key] = value;
    } catch {
      // A parameter that can't be read is left out of the context, not turned into a new failure.
    }
  }
  return params;
}
