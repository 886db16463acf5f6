import type { SluiceHookManager } from '../hooks/sluice-manager.ts';
import type { DataCatalog } from '../io/catalog.ts';
import type { Node } from '../pipeline/node.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { RunResult } from '../run-types/run-params.ts';
import { collectFreeOutputs, prepareRun } from './prepare.ts';
import { runNode } from './run-node.ts';
import type { RunOptions, Runner } from './runner.ts';
import { executeNodes } from './schedule.ts';
import { SharedLoads } from './shared-loads.ts';
import { MAIN_WORKER } from './worker-names.ts';

/** Runs one node at a time in Kedro's order: the topological layers, each sorted by name, flattened. */
export class SequentialRunner implements Runner {
  readonly name: string = 'sequential';

  async run(
    pipeline: Pipeline,
    catalog: DataCatalog,
    hooks: SluiceHookManager,
    options: RunOptions,
  ): Promise<RunResult> {
    return runInProcess(pipeline, catalog, hooks, options, 1);
  }
}

/** The in-process run shared by the sequential and async runners: only the concurrency differs. */
export async function runInProcess(
  pipeline: Pipeline,
  catalog: DataCatalog,
  hooks: SluiceHookManager,
  options: RunOptions,
  concurrency: number,
): Promise<RunResult> {
  const started = performance.now();
  const prepared = await prepareRun(pipeline, catalog, options);
  const skipped = new Set<Node>();
  const sharedLoads =
    options.shareLoads === false ? undefined : SharedLoads.forPipeline(prepared.pipeline, catalog);
  const context = {
    catalog,
    hooks,
    runId: options.runId,
    isAsync: options.isAsync ?? false,
    signal: options.signal,
    worker: MAIN_WORKER,
    onSkipped: (node: Node) => void skipped.add(node),
    sharedLoads,
  };
  try {
    await executeNodes(prepared.pipeline, {
      concurrency,
      signal: options.signal,
      continueOnFailure: options.continueOnFailure,
      state: prepared.state,
      execute: async (node) => {
        try {
          await runNode(node, context);
        } finally {
          // Failed and skipped nodes read nothing more: what only they still needed is let go.
          sharedLoads?.finished(node);
        }
        return skipped.has(node) ? 'skipped' : undefined;
      },
      afterNode: prepared.release,
      // Nodes behind a failure (`--continue-on-failure`) will not read what was kept for them.
      onBlocked: (node) => sharedLoads?.finished(node),
    });
  } finally {
    // What is still kept (a run stopped by a failure or a cancellation) is let go with the run.
    sharedLoads?.clear();
  }
  return {
    outputs: await collectFreeOutputs(prepared.pipeline, catalog),
    completedNodes: [...prepared.state.completed],
    skippedNodes: [...prepared.state.skipped],
    durationMs: performance.now() - started,
  };
}
