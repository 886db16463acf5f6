import type { SluiceHookManager } from '../hooks/sluice-manager.ts';
import { resultSources } from '../hooks/results.ts';
import type { DataCatalog } from '../io/catalog.ts';
import type { SaveResult } from '../io/dataset.ts';
import { isPromiseLike } from '../maybe-promise.ts';
import type { Node } from '../pipeline/node.ts';
import { NodeInputError, NodeOutputError } from '../pipeline/errors.ts';
import type { RetryPolicy } from '../pipeline/retry-policy.ts';
import { isRetryable, retryDelay } from '../pipeline/retry-policy.ts';
import { asError } from '../errors.ts';
import {
  FrozenInputError,
  InputOverrideError,
  NodeDataError,
  RunCancelledError,
  stopsTheRun,
} from './errors.ts';
import { explainFrozenWrite } from './frozen-input.ts';
import { invokeHook } from './invoke-hook.ts';
import type { NodeSkip, WorkerName } from '../hooks/specs.ts';
import type { SharedLoads } from './shared-loads.ts';
import { servedOutputs } from './skip-node.ts';
import { MAIN_WORKER } from './worker-names.ts';

/** What `runNode` needs besides the node. */
export interface NodeRunContext {
  readonly catalog: DataCatalog;
  readonly hooks: SluiceHookManager;
  readonly runId: string;
  /** Load the node's inputs concurrently, and save its outputs concurrently. */
  readonly isAsync: boolean;
  /** Cancels the wait between retries (and ends a resumed node before its attempt). */
  readonly signal?: AbortSignal | undefined;
  /**
   * Told when a `nodeSkip` plugin kept the node from running (after `onNodeSkipped`), so that the
   * runner counts it as skipped rather than completed.
   */
  readonly onSkipped?: ((node: Node, reason: string) => void) | undefined;
  /**
   * Where the node runs, passed as `worker` to the node lifecycle hooks (see `WorkerName`). Compute
   * it once per process, thread or slot, not per node. Default `main`: the process that calls
   * `runNode`.
   */
  readonly worker?: WorkerName | undefined;
  /**
   * Continue a node that an earlier call started (in this process or another): no `nodeSkip`, no
   * `onNodeStart`; the attempts go on from `resume.attempt`, and `onNodeRetry`/`onNodeEnd` count
   * attempts and time from the node's first start. The distributed runner's retries.
   */
  readonly resume?: NodeResume | undefined;
  /**
   * Hand a due retry back instead of waiting for it here: after `onNodeRetry`, `runNode` rejects
   * with `RetryHandedBack` (no wait, no `onNodeEnd`), and the caller runs the next attempt later
   * with `resume`, wherever it likes. Runners that keep the node in one process leave it off.
   */
  readonly handBackRetries?: boolean | undefined;
  /**
   * Persisted datasets that several nodes read, loaded once in this thread and handed to each
   * reader frozen (`SharedLoads`); saves drop what they overwrite. Undefined: every load reads.
   */
  readonly sharedLoads?: SharedLoads | undefined;
}

/** Where a node already started goes on: what `runNode` needs to continue it as one node. */
export interface NodeResume {
  /** The attempt to run now: 2 for the first retry. */
  readonly attempt: number;
  /**
   * When the node started (`onNodeStart`), in epoch milliseconds (`Date.now()`), so that durations
   * span processes; across machines they are as good as the machines' clocks agree.
   */
  readonly startedAtMs: number;
}

/**
 * `runNode` with `handBackRetries` stopped at a due retry: `onNodeRetry` fired, and the next
 * attempt is the caller's to run with `resume` once `delayMs` have passed. Not a failure.
 */
export class RetryHandedBack extends Error {
  constructor(
    readonly nodeName: string,
    readonly resume: NodeResume,
    readonly delayMs: number,
  ) {
    super(`Node "${nodeName}" hands attempt ${resume.attempt} back, to run in ${delayMs} ms.`);
    this.name = 'RetryHandedBack';
  }
}

type Values = Record<string, unknown>;

/** What onNodeError sees when a load failed before any input was complete; shared, never written. */
const NO_INPUTS: Values = Object.freeze({});

/**
 * Runs one node. The one function every runner uses, in every process, so the hooks fire the same
 * way everywhere:
 *
 * 0. `nodeSkip`: a plugin's reason to skip the node ends here, with its served outputs saved and
 *    `onNodeSkipped` fired in place of every hook below;
 * 1. `onNodeStart`, once, then the retry policy (`nodeRetryPolicy`, else `node.options.retries`);
 * 2. for each input in declared order: `beforeDatasetLoaded`, load, `afterDatasetLoaded` (the load
 *    may hand over a value loaded once for several nodes: `sharedLoads`);
 * 3. `beforeNodeRun`, whose results are records of input overrides, merged in call order;
 * 4. the node's function, then `afterNodeRun`;
 * 5. for each output in declared order: `beforeDatasetSaved`, save, `afterDatasetSaved`;
 * 6. `onNodeEnd`, once, after the last save or after `onNodeError`.
 *
 * Steps 2-5 are an attempt. When the node's own work fails (a load, its function, a save) and its
 * retry policy allows another attempt, `onNodeRetry` fires and the attempt repeats after the
 * policy's wait (or is handed back to the caller, `handBackRetries`, which continues it with
 * `resume`); after the last one `onNodeError` fires. A failing hook implementation is not the
 * node's failure: it becomes a `PluginHookError`, with no retry and no `onNodeError`. Datasets and hooks that answer
 * synchronously are never awaited, so a run of memory datasets and sync hooks costs microseconds
 * per node.
 */
export async function runNode(node: Node, context: NodeRunContext): Promise<Values> {
  const { catalog, hooks, runId, isAsync, resume } = context;
  const worker = context.worker ?? MAIN_WORKER;
  // One property read when no plugin implements nodeSkip, as for nodeRetryPolicy below.
  if (resume === undefined && hooks.hook.nodeSkip.active) {
    let skip = invokeHook(node, 'nodeSkip', hooks.hook.nodeSkip, { node, catalog, runId });
    if (isPromiseLike(skip)) skip = await skip;
    if (skip !== undefined && skip !== null) return skipNode(node, skip, context, worker);
  }
  // Times on this process's clock; a resumed node's start is moved onto it.
  let startedAt = performance.now();
  let attemptStartedAt = startedAt;
  let attempts = 0;
  if (resume === undefined) {
    if (hooks.hook.onNodeStart.active) {
      const started = invokeHook(node, 'onNodeStart', hooks.hook.onNodeStart, {
        node,
        catalog,
        runId,
        worker,
      });
      if (isPromiseLike(started)) await started;
    }
  } else {
    startedAt -= Math.max(0, Date.now() - resume.startedAtMs);
    attempts = resume.attempt - 1;
  }
  let outcome: Error | undefined;
  let outputs: Values | undefined;
  try {
    let policy = node.options.retries;
    // Plugins may set the policy from configuration (the step-hooks plugin reads hooks.yml).
    if (hooks.hook.nodeRetryPolicy.active) {
      let configured = invokeHook(node, 'nodeRetryPolicy', hooks.hook.nodeRetryPolicy, { node, runId });
      if (isPromiseLike(configured)) configured = await configured;
      if (configured !== undefined) policy = configured;
    }
    // The wait before a resumed attempt happened elsewhere; a cancellation during it ends the node
    // here, as it would have ended the wait.
    if (resume !== undefined && context.signal?.aborted) throw new RunCancelledError();
    // One attempt per turn: loads, the function, saves. Written inline (no per-attempt function or
    // result record) because it runs for every node.
    for (;;) {
      attempts++;
      let inputs: Values = NO_INPUTS;
      let saving = false;
      try {
        let loaded = isAsync ? loadConcurrently(node, context) : loadInOrder(node, context);
        if (isPromiseLike(loaded)) loaded = await loaded;
        inputs = loaded;
        if (hooks.hook.beforeNodeRun.active) {
          let overrides = invokeHook(node, 'beforeNodeRun', hooks.hook.beforeNodeRun, {
            node,
            catalog,
            inputs,
            isAsync,
            runId,
          });
          if (isPromiseLike(overrides)) overrides = await overrides;
          if (overrides.length > 0) inputs = applyOverrides(node, inputs, overrides);
        }
        let produced = node.call(inputs);
        if (isPromiseLike(produced)) produced = await produced;
        // Outputs kept for their readers (`cached`) are frozen before any hook sees them: what a
        // plugin checks is what the readers get.
        context.sharedLoads?.freezeForReaders(node, produced);
        if (hooks.hook.afterNodeRun.active) {
          const after = invokeHook(node, 'afterNodeRun', hooks.hook.afterNodeRun, {
            node,
            catalog,
            inputs,
            outputs: produced,
            isAsync,
            runId,
          });
          if (isPromiseLike(after)) await after;
        }
        saving = true;
        const saved = isAsync
          ? saveConcurrently(node, produced, context)
          : saveInOrder(node, produced, context);
        if (isPromiseLike(saved)) await saved;
        outputs = produced;
        break;
      } catch (thrown) {
        const error = saving ? asError(thrown) : explainFrozenWrite(node, inputs, asError(thrown), catalog);
        if (stopsTheRun(error)) throw error;
        // Saves are not retried: a partial save may have landed.
        if (policy !== undefined && !saving && attempts <= policy.max && mayRetry(policy, error)) {
          const delayMs = retryDelay(policy, attempts);
          if (hooks.hook.onNodeRetry.active) {
            const now = performance.now();
            const retrying = invokeHook(node, 'onNodeRetry', hooks.hook.onNodeRetry, {
              error,
              node,
              catalog,
              attempt: attempts,
              delayMs,
              runId,
              durationMs: now - startedAt,
              attemptDurationMs: now - attemptStartedAt,
              worker,
            });
            if (isPromiseLike(retrying)) await retrying;
          }
          if (context.handBackRetries === true) {
            // A cancelled run ends the node here, as the wait would have.
            if (context.signal?.aborted) throw new RunCancelledError();
            const startedAtMs = Date.now() - (performance.now() - startedAt);
            throw new RetryHandedBack(node.name, { attempt: attempts + 1, startedAtMs }, delayMs);
          }
          if (delayMs > 0) await wait(delayMs, context.signal);
          attemptStartedAt = performance.now();
          continue;
        }
        if (hooks.hook.onNodeError.active) {
          // The inputs loaded (and overridden) before the failure.
          const reported = invokeHook(node, 'onNodeError', hooks.hook.onNodeError, {
            error,
            node,
            catalog,
            inputs,
            isAsync,
            runId,
          });
          if (isPromiseLike(reported)) await reported;
        }
        throw error;
      }
    }
  } catch (thrown) {
    // Handed back: the node goes on elsewhere, and ends there.
    if (thrown instanceof RetryHandedBack) throw thrown;
    outcome = asError(thrown);
  }
  if (hooks.hook.onNodeEnd.active) {
    const now = performance.now();
    const args = {
      node,
      catalog,
      runId,
      error: outcome,
      attempts,
      durationMs: now - startedAt,
      attemptDurationMs: attempts === 0 ? 0 : now - attemptStartedAt,
      worker,
    };
    try {
      const ended = invokeHook(node, 'onNodeEnd', hooks.hook.onNodeEnd, args);
      if (isPromiseLike(ended)) await ended;
    } catch (error) {
      // A failing onNodeEnd can't hide the node's own failure: the first error wins.
      if (outcome === undefined) throw error;
    }
  }
  if (outcome !== undefined) throw outcome;
  return outputs!;
}

/**
 * A plugin skipped the node: its served outputs go through the normal save path (dataset hooks
 * included), then `onNodeSkipped` fires, in place of every other node hook.
 */
async function skipNode(
  node: Node,
  skip: NodeSkip,
  context: NodeRunContext,
  worker: WorkerName,
): Promise<Values> {
  const { catalog, hooks, runId } = context;
  const served = servedOutputs(node, skip, catalog);
  for (const name of node.outputs) {
    if (!Object.hasOwn(served, name)) continue;
    const saved = saveOne(node, name, served[name], context);
    if (isPromiseLike(saved)) await saved;
  }
  if (hooks.hook.onNodeSkipped.active) {
    const reported = invokeHook(node, 'onNodeSkipped', hooks.hook.onNodeSkipped, {
      node,
      catalog,
      runId,
      reason: skip.reason,
      worker,
    });
    if (isPromiseLike(reported)) await reported;
  }
  context.onSkipped?.(node, skip.reason);
  return served;
}

/** Mistakes in the node's wiring, and data a plugin rejected, won't go away on a second attempt. */
function mayRetry(policy: RetryPolicy, error: Error): boolean {
  if (
    error instanceof NodeInputError ||
    error instanceof NodeOutputError ||
    error instanceof NodeDataError ||
    error instanceof FrozenInputError
  )
    return false;
  return isRetryable(policy, error);
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RunCancelledError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RunCancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Loads inputs one after another; returns synchronously until a load or hook returns a promise. */
function loadInOrder(node: Node, context: NodeRunContext): Values | Promise<Values> {
  const inputs: Values = {};
  const names = node.inputs;
  for (let i = 0; i < names.length; i++) {
    const data = loadOne(node, names[i]!, context);
    if (isPromiseLike(data)) return finishLoadingAsync(node, context, inputs, i, data);
    inputs[names[i]!] = data;
  }
  return inputs;
}

async function finishLoadingAsync(
  node: Node,
  context: NodeRunContext,
  inputs: Values,
  index: number,
  pending: PromiseLike<unknown>,
): Promise<Values> {
  const names = node.inputs;
  inputs[names[index]!] = await pending;
  for (let i = index + 1; i < names.length; i++) {
    let data = loadOne(node, names[i]!, context);
    if (isPromiseLike(data)) data = await data;
    inputs[names[i]!] = data;
  }
  return inputs;
}

async function loadConcurrently(node: Node, context: NodeRunContext): Promise<Values> {
  const names = node.inputs;
  const loaded = await settleAll(names.map((datasetName) => loadOne(node, datasetName, context)));
  const inputs: Values = {};
  for (let i = 0; i < names.length; i++) inputs[names[i]!] = loaded[i];
  return inputs;
}

/**
 * Like Promise.all, but waits for every task before failing with the first error, so that no
 * dataset hook of this node fires after its onNodeError.
 */
async function settleAll(tasks: unknown[]): Promise<unknown[]> {
  const settled = await Promise.allSettled(tasks);
  const failure = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value);
}

/**
 * One input: its hooks and its load. Synchronous when the dataset and the hooks are; written as
 * plain calls (no closures) because it runs for every input of every node.
 */
function loadOne(node: Node, datasetName: string, context: NodeRunContext): unknown {
  const caller = context.hooks.hook.beforeDatasetLoaded;
  if (!caller.active) return loadData(node, datasetName, context);
  const before = invokeHook(node, 'beforeDatasetLoaded', caller, { datasetName, node });
  if (isPromiseLike(before)) return Promise.resolve(before).then(() => loadData(node, datasetName, context));
  return loadData(node, datasetName, context);
}

function loadData(node: Node, datasetName: string, context: NodeRunContext): unknown {
  // Timed only when someone listens: one clock read on each side of the load.
  const startedAt = context.hooks.hook.afterDatasetLoaded.active ? performance.now() : 0;
  const shared = context.sharedLoads;
  const data =
    shared === undefined ? context.catalog.get(datasetName).load() : shared.load(node, datasetName);
  if (isPromiseLike(data))
    return Promise.resolve(data).then((value) => afterLoad(node, datasetName, value, startedAt, context));
  return afterLoad(node, datasetName, data, startedAt, context);
}

function afterLoad(
  node: Node,
  datasetName: string,
  data: unknown,
  startedAt: number,
  context: NodeRunContext,
): unknown {
  const caller = context.hooks.hook.afterDatasetLoaded;
  if (!caller.active) return data;
  const durationMs = performance.now() - startedAt;
  const after = invokeHook(node, 'afterDatasetLoaded', caller, { datasetName, data, node, durationMs });
  return isPromiseLike(after) ? Promise.resolve(after).then(() => data) : data;
}

/** Saves outputs one after another; returns synchronously until a save or hook returns a promise. */
function saveInOrder(node: Node, outputs: Values, context: NodeRunContext): void | Promise<void> {
  const names = node.outputs;
  for (let i = 0; i < names.length; i++) {
    const saved = saveOne(node, names[i]!, outputs[names[i]!], context);
    if (isPromiseLike(saved)) return finishSavingAsync(node, outputs, context, i, saved);
  }
}

async function finishSavingAsync(
  node: Node,
  outputs: Values,
  context: NodeRunContext,
  index: number,
  pending: PromiseLike<unknown>,
): Promise<void> {
  await pending;
  const names = node.outputs;
  for (let i = index + 1; i < names.length; i++) {
    const saved = saveOne(node, names[i]!, outputs[names[i]!], context);
    if (isPromiseLike(saved)) await saved;
  }
}

async function saveConcurrently(node: Node, outputs: Values, context: NodeRunContext): Promise<void> {
  await settleAll(
    node.outputs.map((datasetName) => saveOne(node, datasetName, outputs[datasetName], context)),
  );
}

function saveOne(node: Node, datasetName: string, data: unknown, context: NodeRunContext): unknown {
  const caller = context.hooks.hook.beforeDatasetSaved;
  if (!caller.active) return saveData(node, datasetName, data, context);
  const before = invokeHook(node, 'beforeDatasetSaved', caller, { datasetName, data, node });
  if (isPromiseLike(before))
    return Promise.resolve(before).then(() => saveData(node, datasetName, data, context));
  return saveData(node, datasetName, data, context);
}

function saveData(node: Node, datasetName: string, data: unknown, context: NodeRunContext): unknown {
  const startedAt = context.hooks.hook.afterDatasetSaved.active ? performance.now() : 0;
  // A shared value of what this overwrites is dropped before (no reader gets it during the write)
  // and after (no load that ran during the write is kept); after, a `cached` dataset keeps `data`.
  const shared = context.sharedLoads;
  shared?.saved(datasetName);
  const saved = context.catalog.get(datasetName).save(data);
  if (isPromiseLike(saved))
    return Promise.resolve(saved).then((result) => {
      shared?.savedValue(datasetName, data);
      return afterSave(node, datasetName, data, result, startedAt, context);
    });
  shared?.savedValue(datasetName, data);
  return afterSave(node, datasetName, data, saved, startedAt, context);
}

function afterSave(
  node: Node,
  datasetName: string,
  data: unknown,
  result: SaveResult | void,
  startedAt: number,
  context: NodeRunContext,
): unknown {
  const caller = context.hooks.hook.afterDatasetSaved;
  return caller.active
    ? invokeHook(node, 'afterDatasetSaved', caller, {
        datasetName,
        data,
        node,
        durationMs: performance.now() - startedAt,
        saved: result ?? undefined,
      })
    : undefined;
}

/** Merges `beforeNodeRun` results in call order; each must be a record naming the node's inputs. */
function applyOverrides(node: Node, inputs: Values, overrides: readonly unknown[]): Values {
  const merged = { ...inputs };
  const sources = resultSources(overrides);
  overrides.forEach((override, index) => {
    const plugin = sources[index] ?? 'a plugin';
    if (typeof override !== 'object' || override === null || Array.isArray(override)) {
      throw new InputOverrideError(
        `Plugin "${plugin}" returned ${Array.isArray(override) ? 'an array' : typeof override} from beforeNodeRun for node "${node.name}"; it must return a record of input overrides or nothing.`,
        { hint: `Return { "<input name>": value } to replace inputs of "${node.name}", or return nothing.` },
      );
    }
    for (const [name, value] of Object.entries(override)) {
      if (!Object.hasOwn(inputs, name)) {
        throw new InputOverrideError(
          `Plugin "${plugin}" overrode "${name}" in beforeNodeRun, but node "${node.name}" has no such input (inputs: ${node.inputs.join(', ') || 'none'}).`,
        );
      }
      merged[name] = value;
    }
  });
  return merged;
}
