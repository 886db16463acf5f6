/**
 * Follows each node through `runNode`'s hooks and turns them into step outcomes: success once the
 * outputs are saved, a retry per failed attempt that will run again, failure once at the end. It
 * keeps what a step hook's context needs: attempt numbers, durations and the node's parameters.
 * Used by the step-hooks and alerts plugins, each with its own tracker.
 */
import type { DataCatalog } from '../../io/catalog.ts';
import { isParameterName, PARAMS_PREFIX } from '../../io/catalog-parameters.ts';
import type { Node } from '../../pipeline/node.ts';

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
  runId: string;
  params: Readonly<Record<string, unknown>> | undefined;
  pendingSaves: number;
}

type Values = Readonly<Record<string, unknown>>;

export class StepTracker {
  readonly #now: () => number;
  /** By full node name: a name runs once at a time in a run. */
  readonly #tracks = new Map<string, NodeTrack>();

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** The node is about to run (its first attempt). */
  start(node: Node, runId: string): void {
    const now = this.#now();
    this.#tracks.set(node.name, {
      startedAt: now,
      attemptStartedAt: now,
      attempt: 1,
      runId,
      params: undefined,
      pendingSaves: -1,
    });
  }

  /** An attempt failed and will be retried after `delayMs`. */
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
      ...this.#common(node, track, now, undefined, catalog),
      attempt,
      outcome: 'retry',
      error,
      delayMs,
    };
    track.attempt = attempt + 1;
    track.attemptStartedAt = now + delayMs;
    track.pendingSaves = -1;
    return outcome;
  }

  /** The node failed for good. */
  failure(node: Node, error: Error, inputs: Values, catalog: DataCatalog, runId: string): StepOutcome {
    const track = this.#track(node, runId);
    this.#tracks.delete(node.name);
    return { ...this.#common(node, track, this.#now(), inputs, catalog), outcome: 'failure', error };
  }

  /** The function returned; success now when there is nothing to save, else after the last save. */
  ran(node: Node, inputs: Values, catalog: DataCatalog, runId: string): StepOutcome | undefined {
    const track = this.#track(node, runId);
    track.params = paramsOf(node, inputs, catalog);
    track.pendingSaves = node.outputs.length;
    return track.pendingSaves === 0 ? this.#succeed(node, track) : undefined;
  }

  /** One output was saved; success when it was the last. */
  saved(node: Node): StepOutcome | undefined {
    const track = this.#tracks.get(node.name);
    if (track === undefined || track.pendingSaves <= 0) return undefined;
    track.pendingSaves--;
    return track.pendingSaves === 0 ? this.#succeed(node, track) : undefined;
  }

  #succeed(node: Node, track: NodeTrack): StepOutcome {
    this.#tracks.delete(node.name);
    return { ...this.#common(node, track, this.#now(), undefined, undefined), outcome: 'success' };
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

  #common(
    node: Node,
    track: NodeTrack,
    now: number,
    inputs: Values | undefined,
    catalog: DataCatalog | undefined,
  ) {
    return {
      node,
      runId: track.runId,
      params: track.params ?? paramsOf(node, inputs ?? {}, catalog),
      attempt: track.attempt,
      durationMs: now - track.startedAt,
      attemptDurationMs: Math.max(0, now - track.attemptStartedAt),
    };
  }
}

/**
 * The values of the node's parameter inputs: from the loaded inputs when they are there, else from
 * the catalog (a retry or a load failure comes before or without the inputs).
 */
function paramsOf(node: Node, inputs: Values, catalog: DataCatalog | undefined): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const name of node.inputs) {
    if (!isParameterName(name)) continue;
    const key = name.startsWith(PARAMS_PREFIX) ? name.slice(PARAMS_PREFIX.length) : name;
    if (Object.hasOwn(inputs, name)) params[key] = inputs[name];
    else if (catalog?.has(name)) {
      try {
        const value = catalog.get(name).load();
        // Parameters are memory datasets and load synchronously; anything else is left out.
        if (!(value instanceof Promise)) params[key] = value;
      } catch {
        // A parameter that can't be read is left out of the context, not turned into a new failure.
      }
    }
  }
  return params;
}
