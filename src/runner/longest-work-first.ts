import type { SluiceHookManager } from '../hooks/sluice-manager.ts';
import type { NodeDurationEstimates } from '../hooks/specs.ts';
import { isPromiseLike } from '../maybe-promise.ts';
import { median } from '../median.ts';
import type { Node } from '../pipeline/node.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';

/** A run's nodes as their estimated durations order them (see `longestWorkFirst`). */
export interface RunEstimate {
  /** The pipeline's nodes, the longest work ahead first. */
  readonly order: readonly Node[];
  /** Every node's estimated duration, summed: the run's work on one lane. */
  readonly workMs: number;
  /** The longest chain of estimated durations: the run's length with unlimited lanes. */
  readonly criticalPathMs: number;
}

/**
 * The pipeline's nodes, longest work ahead first: a node's work ahead is its own estimated
 * duration plus the longest chain of estimated durations after it (its critical path to the end).
 * Among ready nodes, starting the one with the most work ahead first keeps a long branch from
 * starting last, when the other lanes have nothing left to overlap it with. Ties keep the
 * pipeline's run order. A node without an estimate (new, renamed, or never finished) counts as
 * the median of the known ones; an estimate that is not a finite number of 0 or more is unknown.
 * Undefined when no node has a usable estimate: the run order stands.
 */
export function longestWorkFirst(
  pipeline: Pipeline,
  estimates: NodeDurationEstimates,
): RunEstimate | undefined {
  const order = pipeline.nodes;
  const known = new Map<Node, number>();
  for (const node of order) {
    const estimate = Object.hasOwn(estimates, node.name) ? estimates[node.name] : undefined;
    if (typeof estimate === 'number' && Number.isFinite(estimate) && estimate >= 0) known.set(node, estimate);
  }
  if (known.size === 0) return undefined;
  const unknown = median([...known.values()]);
  const ahead = new Map<Node, number>();
  let workMs = 0;
  let criticalPathMs = 0;
  // `order` is topological: walking it backwards, every child's work ahead is already known.
  for (let index = order.length - 1; index >= 0; index--) {
    const node = order[index]!;
    const own = known.get(node) ?? unknown;
    let after = 0;
    for (const child of pipeline.childrenOf(node)) after = Math.max(after, ahead.get(child)!);
    ahead.set(node, own + after);
    workMs += own;
    criticalPathMs = Math.max(criticalPathMs, own + after);
  }
  const position = new Map<Node, number>();
  order.forEach((node, index) => position.set(node, index));
  return {
    order: [...order].sort((a, b) => ahead.get(b)! - ahead.get(a)! || position.get(a)! - position.get(b)!),
    workMs,
    criticalPathMs,
  };
}

/**
 * The run as its shape alone describes it, for a run without duration estimates (a project's
 * first run, tracking off): every node counts as one unit of work. What lanes can save is then
 * what the dependency order leaves to overlap: nothing for a chain, little for one long chain
 * beside a short branch, half for two equal branches. Undefined for an empty pipeline.
 */
export function nodeCountEstimate(pipeline: Pipeline): RunEstimate | undefined {
  const units: Record<string, number> = {};
  for (const node of pipeline.nodes) units[node.name] = 1;
  return longestWorkFirst(pipeline, units);
}

/**
 * The most time running on `lanes` lanes could save against one lane, as a share of the run's
 * work (0 to 1): no run is shorter than its critical path, nor than its work spread evenly.
 */
export function bestParallelSaving(estimate: RunEstimate, lanes: number): number {
  if (estimate.workMs <= 0) return 0;
  const shortest = Math.max(estimate.criticalPathMs, estimate.workMs / Math.max(1, lanes));
  return (estimate.workMs - shortest) / estimate.workMs;
}

/**
 * Asks the plugins for node duration estimates (`nodeDurationEstimates`) and orders the
 * pipeline's nodes by them (`longestWorkFirst`); undefined when no plugin answers.
 */
export async function estimateRun(
  pipeline: Pipeline,
  hooks: SluiceHookManager,
  runId: string,
): Promise<RunEstimate | undefined> {
  const caller = hooks.hook.nodeDurationEstimates;
  if (!caller.active || pipeline.size === 0) return undefined;
  const answered = caller.call({ pipeline, runId });
  const estimates = isPromiseLike(answered) ? await answered : answered;
  return estimates === undefined || estimates === null ? undefined : longestWorkFirst(pipeline, estimates);
}
