import type { SluiceHookManager } from '../hooks/sluice-manager.ts';
import { resultSources } from '../hooks/caller.ts';
import type { DataCatalog } from '../io/catalog.ts';
import { isPromiseLike } from '../maybe-promise.ts';
import type { Node } from '../pipeline/node.ts';
import { NodeInputError, NodeOutputError } from '../pipeline/errors.ts';
import type { RetryPolicy } from '../pipeline/retry-policy.ts';
import { isRetryable, retryDelay } from '../pipeline/retry-policy.ts';
import { asError, InputOverrideError, RunCancelledError } from './errors.ts';

/** What `runNode` needs besides the node. */
export interface NodeRunContext {
  readonly catalog: DataCatalog;
  readonly hooks: SluiceHookManager;
  readonly runId: string;
  /** Load the node's inputs concurrently, and save its outputs concurrently. */
  readonly isAsync: boolean;
  /** Cancels the wait between retries. */
  readonly signal?: AbortSignal | undefined;
}

type Values = Record<string, unknown>;

/**
 * Runs one node. The one function every runner uses, in every process, so the hooks fire the same
 * way everywhere:
 *
 * 1. for each input in declared order: `beforeDatasetLoaded`, load, `afterDatasetLoaded`;
 * 2. `beforeNodeRun`, whose results are records of input overrides, merged in call order;
 * 3. the node's function;
 * 4. `afterNodeRun`, or `onNodeError` and rethrow (load and save failures reach it too);
 * 5. for each output in declared order: `beforeDatasetSaved`, save, `afterDatasetSaved`.
 *
 * A node with a retry policy repeats steps 1-4 after a failed attempt, firing `onNodeRetry`
 * instead of `onNodeError` until its last attempt. Datasets and hooks that answer synchronously
 * are never awaited, so a run of memory datasets and sync hooks costs microseconds per node.
 */
export async function runNode(node: Node, context: NodeRunContext): Promise<Values> {
  const { catalog, hooks, runId, isAsync } = context;
  const policy = node.options.retries;
  let inputs: Values = {};
  for (let attempt = 1; ; attempt++) {
    let saving = false;
    try {
      inputs = {};
      inputs = isAsync ? await loadConcurrently(node, context) : await loadInOrder(node, context);
      let overrides = hooks.hook.beforeNodeRun.call({ node, catalog, inputs, isAsync, runId });
      if (isPromiseLike(overrides)) overrides = await overrides;
      if (overrides.length > 0) inputs = applyOverrides(node, inputs, overrides);
      let outputs = node.call(inputs);
      if (isPromiseLike(outputs)) outputs = await outputs;
      const after = hooks.hook.afterNodeRun.call({ node, catalog, inputs, outputs, isAsync, runId });
      if (isPromiseLike(after)) await after;
      saving = true;
      if (isAsync) await saveConcurrently(node, outputs, context);
      else await saveInOrder(node, outputs, context);
      return outputs;
    } catch (thrown) {
      const error = asError(thrown);
      if (policy !== undefined && !saving && attempt <= policy.max && mayRetry(policy, error)) {
        const delayMs = retryDelay(policy, attempt);
        const retrying = hooks.hook.onNodeRetry.call({ error, node, catalog, attempt, delayMs, runId });
        if (isPromiseLike(retrying)) await retrying;
        if (delayMs > 0) await wait(delayMs, context.signal);
        continue;
      }
      const reported = hooks.hook.onNodeError.call({ error, node, catalog, inputs, isAsync, runId });
      if (isPromiseLike(reported)) await reported;
      throw error;
    }
  }
}

/** Mistakes in the node's wiring or in a plugin won't go away on a second attempt. */
function mayRetry(policy: RetryPolicy, error: Error): boolean {
  if (error instanceof NodeInputError || error instanceof NodeOutputError || error instanceof InputOverrideError) return false;
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

async function loadInOrder(node: Node, context: NodeRunContext): Promise<Values> {
  const inputs: Values = {};
  for (const datasetName of node.inputs) {
    let data = loadOne(node, datasetName, context);
    if (isPromiseLike(data)) data = await data;
    inputs[datasetName] = data;
  }
  return inputs;
}

async function loadConcurrently(node: Node, context: NodeRunContext): Promise<Values> {
  const names = node.inputs;
  const loaded = await Promise.all(names.map((datasetName) => loadOne(node, datasetName, context)));
  const inputs: Values = {};
  for (let i = 0; i < names.length; i++) inputs[names[i]!] = loaded[i];
  return inputs;
}

/** One input: its hooks and its load, synchronous when the dataset and the hooks are. */
function loadOne(node: Node, datasetName: string, { catalog, hooks }: NodeRunContext): unknown {
  const before = hooks.hook.beforeDatasetLoaded.call({ datasetName, node });
  const load = () => {
    const data = catalog.get(datasetName).load();
    const finish = (value: unknown) => {
      const after = hooks.hook.afterDatasetLoaded.call({ datasetName, data: value, node });
      return isPromiseLike(after) ? Promise.resolve(after).then(() => value) : value;
    };
    return isPromiseLike(data) ? Promise.resolve(data).then(finish) : finish(data);
  };
  return isPromiseLike(before) ? Promise.resolve(before).then(load) : load();
}

async function saveInOrder(node: Node, outputs: Values, context: NodeRunContext): Promise<void> {
  for (const datasetName of node.outputs) {
    const saved = saveOne(node, datasetName, outputs[datasetName], context);
    if (isPromiseLike(saved)) await saved;
  }
}

async function saveConcurrently(node: Node, outputs: Values, context: NodeRunContext): Promise<void> {
  await Promise.all(node.outputs.map((datasetName) => saveOne(node, datasetName, outputs[datasetName], context)));
}

function saveOne(node: Node, datasetName: string, data: unknown, { catalog, hooks }: NodeRunContext): unknown {
  const before = hooks.hook.beforeDatasetSaved.call({ datasetName, data, node });
  const save = () => {
    const saved = catalog.get(datasetName).save(data);
    const finish = () => hooks.hook.afterDatasetSaved.call({ datasetName, data, node });
    return isPromiseLike(saved) ? Promise.resolve(saved).then(finish) : finish();
  };
  return isPromiseLike(before) ? Promise.resolve(before).then(save) : save();
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
