import type { SluiceHookManager } from '../hooks/sluice-manager.ts';
import type { DataCatalog } from '../io/catalog.ts';
import { settle } from '../maybe-promise.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import { asError } from '../errors.ts';
import { pipelineErrorReported } from '../runner/errors.ts';
import type { RunOptions, Runner } from '../runner/runner.ts';
import type { RunParams, RunResult } from '../run-types/run-params.ts';

/**
 * The pipeline-hook bracket every run goes through: `beforePipelineRun`, the runner, then
 * `afterPipelineRun`, or `onPipelineError` and rethrow. Every failure inside the bracket,
 * including one thrown by `beforePipelineRun` itself or by `afterPipelineRun`, reaches
 * `onPipelineError` exactly once (once in all processes: a failure that another process already
 * reported through it, `pipelineErrorReported`, is only rethrown).
 */
export async function runPipeline(args: {
  pipeline: Pipeline;
  catalog: DataCatalog;
  hooks: SluiceHookManager;
  runner: Runner;
  runParams: RunParams;
  options: Omit<RunOptions, 'runId' | 'isAsync' | 'continueOnFailure' | 'onlyMissingOutputs' | 'runParams'>;
}): Promise<RunResult> {
  const { pipeline, catalog, hooks, runner, runParams } = args;
  try {
    await settle(hooks.hook.beforePipelineRun.call({ runParams, pipeline, catalog }));
    const runResult = await runner.run(pipeline, catalog, hooks, {
      ...args.options,
      runId: runParams.runId,
      isAsync: runParams.isAsync,
      continueOnFailure: runParams.continueOnFailure,
      onlyMissingOutputs: runParams.onlyMissingOutputs,
      runParams,
    });
    await settle(hooks.hook.afterPipelineRun.call({ runParams, runResult, pipeline, catalog }));
    return runResult;
  } catch (thrown) {
    const error = asError(thrown);
    if (!pipelineErrorReported(error))
      await settle(hooks.hook.onPipelineError.call({ error, runParams, pipeline, catalog }));
    throw error;
  }
}
