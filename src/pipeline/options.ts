/**
 * The options a node takes, and the part of them a pipeline can set as defaults for its nodes.
 * Both are interfaces on purpose: later features (step hooks, retries) add their fields here,
 * and every node keeps the whole options object so that the runner can read those fields.
 */

import type { RetryPolicy } from './retry-policy.ts';

/**
 * Per-node behaviour that a pipeline may also set as a default for all its nodes (a node's own
 * value wins). Step hooks (`onSuccess`, `onFailure`, `onRetry`) join it with the step-hooks plugin.
 */
export interface NodeBehaviour {
  /** Retry failed attempts of this node (see {@link RetryPolicy}). Default: no retries. */
  retries?: RetryPolicy | undefined;
}

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
}
