/**
 * The options a node takes, and the part of them a pipeline can set as defaults for its nodes.
 * Both are interfaces on purpose: later features add their fields here, and every node keeps the
 * whole options object so that the runner and plugins can read those fields.
 */

import type { RetryPolicy } from './retry-policy.ts';
import type { StepFailureContext, StepHooks, StepRetryContext, StepSuccessContext } from './step-hook.ts';

/**
 * Per-node behaviour that a pipeline may also set as a default for all its nodes (a node's own
 * value wins). The step-hooks plugin delivers `onSuccess`, `onFailure` and `onRetry`.
 */
export interface NodeBehaviour {
  /** Retry failed attempts of this node (see {@link RetryPolicy}). Default: no retries. */
  retries?: RetryPolicy | undefined;
  /** Called once when the node succeeded (outputs saved). A function, a list, or `"module#export"`. */
  onSuccess?: StepHooks<StepSuccessContext> | undefined;
  /** Called once when the node failed for good, with the error. */
  onFailure?: StepHooks<StepFailureContext> | undefined;
  /** Called after each failed attempt that will be retried, with the error and the wait. */
  onRetry?: StepHooks<StepRetryContext> | undefined;
}

/** The names of {@link NodeBehaviour}'s options. */
export type NodeBehaviourName = keyof NodeBehaviour;

/** Options of {@link node}: naming, tagging and namespacing, plus {@link NodeBehaviour}. */
export interface NodeOptions extends NodeBehaviour {
  /**
   * The node's own name, without namespace. Letters, digits, `_`, `-` and `.` only. When omitted,
   * a name is derived from the function name and the wiring: `clean([raw,params:x]) -> [clean]`.
   */
  name?: string | undefined;
  /** Tags for filtering (`pipeline.onlyNodesWithTags`, `sluice run --tags`). */
  tags?: string | Iterable<string> | undefined;
  /** The namespace; the full name is `namespace.name`. Nested namespaces are dotted: `a.b`. */
  namespace?: string | null | undefined;
  /**
   * Which behaviour options the node took from a pipeline's defaults rather than setting them
   * itself. Pipelines set it (`withNodeDefaults`); plugins read it to rank a node's own options
   * above configuration files and a pipeline's defaults below them.
   */
  inheritedBehaviour?: readonly NodeBehaviourName[] | undefined;
}
