import type { ProjectContext, SluicePlugin } from '../../plugin-api/index.ts';
import { definePlugin } from '../../plugin-api/index.ts';
import { PreflightError } from './errors.ts';
import { formatProblem } from './problem.ts';
import type { PreflightChecks } from './run-preflight.ts';
import { runPreflight } from './run-preflight.ts';

/** The preflight plugin's name, as registered. */
export const PREFLIGHT_PLUGIN_NAME = 'sluice:preflight';

/** Options of {@link preflightPlugin}: the opt-in checks, and where warnings go. */
export interface PreflightOptions extends PreflightChecks {
  /** Default: stderr. */
  readonly log?: ((line: string) => void) | undefined;
}

/**
 * `sluice check` before every run: in `validatePipelineRun`, so that a run with a missing input
 * file or environment variable is refused before any pipeline hook fires (no onPipelineError, no
 * alert; `sluice run` exits 2), with every problem listed at once. Not registered by default: add
 * `preflightPlugin()` to `hooks` in sluice.config.ts. The run's own checks (inputs nothing
 * provides, catalog entries that can't be built, step hook and schema references) already refuse
 * a run; this adds the checks that look at files, databases and the environment.
 */
export function preflightPlugin(options: PreflightOptions = {}): SluicePlugin & { readonly name: string } {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  let project: ProjectContext | undefined;
  return definePlugin({
    name: PREFLIGHT_PLUGIN_NAME,
    afterContextCreated({ context }) {
      project = context;
    },
    async validatePipelineRun({ runParams, pipeline, catalog }) {
      const problems = await runPreflight(
        {
          projectPath: runParams.projectPath,
          confSource: project?.confSource ?? 'conf',
          env: runParams.env,
          catalog,
          pipeline,
          pipelines: [pipeline],
          environ: process.env,
        },
        // The run sees one pipeline: an entry another pipeline uses would look unused.
        { ...options, unused: false },
      );
      const redact = project?.redact ?? ((text: string) => text);
      if (problems.some((problem) => problem.severity === 'error')) throw new PreflightError(problems);
      for (const problem of problems) log(redact(formatProblem(problem)));
    },
  });
}
