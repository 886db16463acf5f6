import type { SluiceHookManager } from '../hooks/sluice-manager.ts';
import type { DataCatalog } from '../io/catalog.ts';
import { settle } from '../maybe-promise.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { RegisteredPipelines } from '../pipeline/registered-pipelines.ts';
import { asError } from '../errors.ts';
import { MissingInputsError } from '../runner/errors.ts';
import { findMissingInputs } from '../runner/missing-inputs.ts';
import { RunNotStartedError } from './errors.ts';
import type { RunParams } from '../run-types/run-params.ts';

/** What {@link checkRun} checks. */
export interface RunCheck {
  /** The pipeline the run will run (filters applied). */
  readonly pipeline: Pipeline;
  /** The registered pipeline before filtering, to name producers a filter left out. */
  readonly registered: Pipeline;
  /** Every pipeline the project registers, for plugins that check their configuration against all. */
  readonly registeredPipelines: RegisteredPipelines;
  readonly catalog: DataCatalog;
  readonly hooks: SluiceHookManager;
  readonly runParams: RunParams;
}

/**
 * Everything that can be known wrong before the first node, checked before `beforePipelineRun` so
 * that a typo never reaches `onPipelineError` (nor an alerter): every free input is provided (with
 * the nodes that read a missing one and the nearest known name), every dataset the run uses can
 * be built (types, credentials, options), and no plugin's `validatePipelineRun` objects. All
 * problems are reported together in one {@link RunNotStartedError}.
 */
export async function checkRun(check: RunCheck): Promise<void> {
  const { pipeline, catalog } = check;
  const problems: Error[] = [];
  const missing = findMissingInputs(pipeline, catalog, check.registered);
  if (missing.length > 0) problems.push(new MissingInputsError(missing));
  // Missing names are left out: building them would make them memory datasets.
  const absent = new Set(missing.map((input) => input.datasetName));
  try {
    await catalog.materialize([...pipeline.datasets()].filter((name) => !absent.has(name)));
  } catch (error) {
    problems.push(asError(error));
  }
  try {
    await settle(
      check.hooks.hook.validatePipelineRun.call({
        runParams: check.runParams,
        pipeline,
        catalog,
        registeredPipelines: check.registeredPipelines,
      }),
    );
  } catch (error) {
    problems.push(asError(error));
  }
  if (problems.length > 0) throw new RunNotStartedError(problems);
}
