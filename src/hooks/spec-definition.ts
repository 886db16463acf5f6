/**
 * The runtime description of one hook spec. The TypeScript side lives in `HookSpecs`; this side
 * is what registration validates against and what the caller reads (first result, historic).
 */
export interface HookSpecDefinition {
  /** camelCase hook name, e.g. `beforeNodeRun`. */
  readonly name: string;
  /** The names in the hook's one arguments object. Implementations may destructure any subset. */
  readonly args: readonly string[];
  /** Stop at the first implementation that returns something other than `undefined`/`null`, and return that value. */
  readonly firstResult?: boolean;
  /** Calls are remembered and replayed to plugins registered later (pluggy's historic hooks). */
  readonly historic?: boolean;
  /** One line for `sluice info` and the docs. */
  readonly description?: string;
}
