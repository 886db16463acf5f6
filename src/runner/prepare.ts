import type { DataCatalog } from '../io/catalog.ts';
import { isPromiseLike } from '../maybe-promise.ts';
import type { Node } from '../pipeline/node.ts';
import { Pipeline } from '../pipeline/pipeline.ts';
import { MissingInputsError } from './errors.ts';
import { findMissingInputs } from './missing-inputs.ts';
import { nodesWithMissingOutputs } from './missing-outputs.ts';
import type { RunOptions, RunState } from './runner.ts';
import { newRunState } from './runner.ts';

/** What every runner does before its first node, and what it needs while running. */
export interface PreparedRun {
  /** The nodes to run: the pipeline, less what `onlyMissingOutputs` skipped. */
  readonly pipeline: Pipeline;
  readonly state: RunState;
  /** Frees memory datasets once no remaining node needs them. */
  readonly release: (node: Node) => void | Promise<void>;
}

/**
 * Checks that every free input is provided, builds every dataset the pipeline uses (reporting all
 * bad catalog entries at once), applies `onlyMissingOutputs`, and sets up dataset release.
 */
export async function prepareRun(
  pipeline: Pipeline,
  catalog: DataCatalog,
  options: RunOptions,
  /** Told each dataset released (the parallel runner frees copies its workers keep). */
  onRelease?: (name: string) => void,
): Promise<PreparedRun> {
  const missing = findMissingInputs(pipeline, catalog);
  if (missing.length > 0) throw new MissingInputsError(missing);
  await catalog.materialize(pipeline.datasets());
  const state = options.state ?? newRunState();
  let toRun = pipeline;
  if (options.onlyMissingOutputs) {
    const nodes = await nodesWithMissingOutputs(pipeline, catalog);
    const kept = new Set(nodes);
    for (const node of pipeline.nodes) {
      if (kept.has(node)) continue;
      state.skipped.push(node.name);
      state.upToDate.push(node.name);
    }
    toRun = nodes.length === pipeline.size ? pipeline : new Pipeline(nodes);
  }
  return { pipeline: toRun, state, release: datasetReleaser(toRun, catalog, onRelease) };
}

/**
 * Kedro's release rule: after a node, an input no remaining node reads is released unless it is a
 * free input of the pipeline, and an output nobody reads is released unless it is a free output.
 * Releasing frees a memory dataset's data; persisted datasets drop their caches.
 */
function datasetReleaser(
  pipeline: Pipeline,
  catalog: DataCatalog,
  onRelease: ((name: string) => void) | undefined,
): (node: Node) => void | Promise<void> {
  const remainingLoads = new Map<string, number>();
  for (const node of pipeline.nodes)
    for (const input of node.inputs) remainingLoads.set(input, (remainingLoads.get(input) ?? 0) + 1);
  const freeInputs = pipeline.inputs();
  const freeOutputs = pipeline.outputs();
  return (node) => {
    const pending: Promise<unknown>[] = [];
    const release = (name: string) => {
      onRelease?.(name);
      const released = catalog.get(name).release();
      if (isPromiseLike(released)) pending.push(Promise.resolve(released));
    };
    for (const input of node.inputs) {
      const left = remainingLoads.get(input)! - 1;
      remainingLoads.set(input, left);
      if (left < 1 && !freeInputs.has(input)) release(input);
    }
    for (const output of node.outputs) {
      if ((remainingLoads.get(output) ?? 0) < 1 && !freeOutputs.has(output)) release(output);
    }
    return pending.length === 0 ? undefined : Promise.all(pending).then(() => undefined);
  };
}

/** The pipeline's free outputs that live in memory, loaded: Kedro's run result. */
export async function collectFreeOutputs(
  pipeline: Pipeline,
  catalog: DataCatalog,
): Promise<Record<string, unknown>> {
  const outputs: Record<string, unknown> = {};
  for (const name of [...pipeline.outputs()].sort()) {
    if (!catalog.isEphemeral(name)) continue;
    const dataset = catalog.get(name);
    let exists = dataset.exists();
    if (isPromiseLike(exists)) exists = await exists;
    if (!exists) continue;
    let data = dataset.load();
    if (isPromiseLike(data)) data = await data;
    outputs[name] = data;
  }
  return outputs;
}
