/**
 * The options a node takes, and the part of them a pipeline can set as defaults for its nodes.
 * Both are interfaces on purpose: later features (step hooks, retries) add their fields here,
 * and every node keeps the whole options object so that the runner can read those fields.
 */

/**
 * Per-node behaviour that a pipeline may also set as a default for all its nodes (a node's own
 * value wins). Empty for now: `onSuccess`, `onFailure`, `onRetry` and `retries` will land here.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by later features
export interface NodeBehaviour {}

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
