import { SluiceError } from '../errors.ts';
import type { RecordedRun } from './run-record.ts';
import { LAST_RUN_FILE, readLastRun } from './run-record.ts';
import type { SessionOptions, SessionRunOptions } from './session.ts';

/** `sluice run --resume` found nothing to resume: no run recorded, or the last one still runs. */
export class NothingToResumeError extends SluiceError {}

/** How to resume a recorded run: the session it opens and the run it makes. */
export interface ResumePlan {
  readonly run: RecordedRun;
  readonly session: Pick<SessionOptions, 'env' | 'confSource' | 'runtimeParams'>;
  readonly options: SessionRunOptions;
}

const RUNNERS = new Set(['sequential', 'parallel', 'async', 'distributed']);

/**
 * The plan that resumes the project's last run when it failed or was cancelled (or its process
 * died): the same pipeline, filters, parameters, environment, load versions and runner, from the
 * nodes it recorded as the place to resume (past memory datasets, as `--from-nodes` in the hint),
 * or, when nothing had finished, the whole run again. Undefined when the last run succeeded.
 */
export async function planResume(projectPath: string): Promise<ResumePlan | undefined> {
  const run = await readLastRun(projectPath);
  if (run === undefined)
    throw new NothingToResumeError(
      `No run of this project is recorded (${LAST_RUN_FILE}): there is nothing to resume.`,
      {
        hint: 'Run `sluice run` first; a failed or cancelled run can then be resumed with `sluice run --resume`.',
      },
    );
  if (run.status === 'succeeded') return undefined;
  if (run.status === 'running' && processAlive(run.pid))
    throw new NothingToResumeError(
      `The last run (${run.runParams.runId}) is still running (process ${run.pid}): there is nothing to resume yet.`,
      { hint: 'Wait for it to end, or stop it (Ctrl-C), then resume it.' },
    );
  const params = run.runParams;
  const resumeFrom = run.status === 'running' ? [] : run.resumeFromNodes;
  // From the recorded nodes, the old --from-nodes and --from-inputs are implied: those nodes lie downstream of both.
  const start =
    resumeFrom.length > 0
      ? { fromNodes: resumeFrom, fromInputs: [] }
      : { fromNodes: params.fromNodes, fromInputs: params.fromInputs };
  return {
    run,
    session: { env: params.env, confSource: params.confSource, runtimeParams: params.runtimeParams },
    options: {
      pipelineName: params.pipelineName,
      tags: params.tags,
      nodeNames: params.nodeNames,
      toNodes: params.toNodes,
      toOutputs: params.toOutputs,
      namespaces: params.namespaces,
      loadVersions: params.loadVersions,
      isAsync: params.isAsync,
      onlyMissingOutputs: params.onlyMissingOutputs,
      continueOnFailure: params.continueOnFailure,
      ...(RUNNERS.has(params.runner) ? { runner: params.runner as SessionRunOptions['runner'] } : {}),
      ...start,
    },
  };
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
