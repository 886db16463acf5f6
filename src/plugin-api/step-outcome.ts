/**
 * Turns a node's `onNodeRetry` and `onNodeEnd` into step outcomes: a retry per failed attempt that
 * will run again, then success or failure once, with what a step hook's context needs (attempt
 * numbers, durations, the node's parameters). Everything comes from the hook's arguments, never
 * from memory of an earlier hook, so the outcomes are right when a node's attempts run in several
 * processes (the distributed runner hands retries to any worker). Public (`sluice/plugin`) for
 * any plugin that reports per-node outcomes; the step-hooks and alerts plugins use it.
 */
import type { DataCatalog } from '../io/catalog.ts';
import { isParameterName, PARAMS_PREFIX } from '../io/catalog-parameters.ts';
import type { HookSpecs } from '../hooks/specs.ts';
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

/** An attempt failed and will be retried after `delayMs`: call it from `onNodeRetry`. */
export function retryStepOutcome(args: Parameters<HookSpecs['onNodeRetry']>[0]): StepOutcome {
  const { node, runId, catalog, attempt, durationMs, attemptDurationMs, error, delayMs } = args;
  return {
    node,
    runId,
    params: paramsOf(node, catalog),
    attempt,
    durationMs,
    attemptDurationMs,
    outcome: 'retry',
    error,
    delayMs,
  };
}

/** The node ended: success when `error` is undefined, else failure. Call it from `onNodeEnd`. */
export function endStepOutcome(args: Parameters<HookSpecs['onNodeEnd']>[0]): StepOutcome {
  const { node, runId, catalog, attempts, durationMs, attemptDurationMs, error } = args;
  const common = {
    node,
    runId,
    params: paramsOf(node, catalog),
    attempt: attempts,
    durationMs,
    attemptDurationMs,
  };
  return error === undefined ? { ...common, outcome: 'success' } : { ...common, outcome: 'failure', error };
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
