import { parseParamsOption } from '../../config/runtime-params.ts';
import { DistributedRunner } from '../../runner/distributed/distributed-runner.ts';
import { RunCancelledError } from '../../runner/errors.ts';
import { Session } from '../../session/session.ts';
import type { ResumePlan } from '../../session/resume-run.ts';
import { planResume } from '../../session/resume-run.ts';
import { TRACKING_PLUGIN_NAME } from '../../plugins/tracking/index.ts';
import type { UnsavedOutput } from '../../session/unsaved-outputs.ts';
import { formatError } from '../report-error.ts';
import { ExitCode } from '../exit-codes.ts';
import type { ExitCodeValue } from '../exit-codes.ts';
import type { CliContext } from '../main.ts';
import { interruptRunOnSignals } from '../signals.ts';
import { UsageError } from '../usage-error.ts';

export interface RunCommandOptions {
  pipeline?: string;
  nodes?: string[];
  fromNodes?: string[];
  toNodes?: string[];
  fromInputs?: string[];
  toOutputs?: string[];
  tags?: string[];
  namespaces?: string[];
  runner?: 'sequential' | 'parallel' | 'async' | 'distributed';
  queue?: string;
  async: boolean;
  env?: string;
  confSource?: string;
  params?: string[];
  loadVersions?: string[];
  onlyMissingOutputs: boolean;
  continueOnFailure: boolean;
  progress: 'auto' | 'live' | 'plain' | 'off';
  incremental?: boolean;
  explain?: boolean;
  resume?: boolean;
  /** False with `--no-tracking`: the run is not recorded in the run store. */
  tracking?: boolean;
}

/**
 * `sluice run`: Kedro's `kedro run`, flag for flag. SIGINT or SIGTERM stops scheduling and lets
 * running nodes settle; a second signal exits at once. Exit codes: 0, 1 (failed run), 2 (usage or
 * configuration), 130 (cancelled).
 */
export async function runCommand(context: CliContext, options: RunCommandOptions): Promise<ExitCodeValue> {
  let resumed: ResumePlan | undefined;
  if (options.resume === true) {
    refuseChoicesWithResume(options);
    resumed = await planResume(context.projectPath);
    if (resumed === undefined) {
      context.stderr.write('The last run of this project succeeded: there is nothing to resume.\n');
      return ExitCode.ok;
    }
    const { runId, runner } = resumed.run.runParams;
    context.stderr.write(
      `Resuming run ${runId} (${resumed.run.status})${
        resumed.options.fromNodes?.length
          ? ` from ${resumed.options.fromNodes.join(', ')}`
          : ', all of it again'
      }${runner === (resumed.options.runner ?? runner) ? '' : `; its runner "${runner}" is not built in, so the default runs it`}.\n`,
    );
  }
  const runtimeParams: Record<string, unknown> = { ...resumed?.session.runtimeParams };
  for (const option of options.params ?? []) Object.assign(runtimeParams, parseParamsOption(option));
  const env = resumed?.session.env ?? options.env;
  const confSource = resumed?.session.confSource ?? options.confSource;
  const incremental = options.incremental === true || options.explain === true;
  const session = await Session.create({
    projectPath: context.projectPath,
    runtimeParams,
    ...(env === undefined ? {} : { env }),
    ...(confSource === undefined ? {} : { confSource }),
    ...(incremental ? { incremental: { explain: options.explain === true } } : {}),
    log: (line) => void context.stderr.write(`${line}\n`),
  });
  const { refreshDatasetTypesBeforeRun } = await import('./typegen.ts');
  await refreshDatasetTypesBeforeRun(session.settings, session.env, context.stderr);
  const { progressPlugin, failedNodesPlugin } = await import('../../plugins/progress/index.ts');
  // Without a progress display, a failed node still gets one line naming it.
  session.hooks.register(
    options.progress === 'off'
      ? failedNodesPlugin({ stream: context.stderr })
      : progressPlugin({ stream: context.stderr, mode: options.progress }),
  );
  if (options.tracking === false) session.hooks.unregister(TRACKING_PLUGIN_NAME);
  const runnerSettings = session.settings.config.runner ?? {};
  let runner: RunCommandOptions['runner'] | DistributedRunner =
    options.runner ?? (resumed?.options.runner as RunCommandOptions['runner']);
  if (options.queue !== undefined) {
    if ((options.runner ?? runnerSettings.default) !== 'distributed')
      throw new UsageError('--queue applies to the distributed runner only.', {
        hint: 'Add --runner distributed, or set runner.default to "distributed" in sluice.config.ts.',
      });
    runner = new DistributedRunner({ ...runnerSettings.distributed, queue: options.queue });
  }
  const interruption = interruptRunOnSignals(context.stderr);
  session.hooks.register(interruption.plugin);
  try {
    await session.run({
      ...(resumed === undefined ? {} : resumed.options),
      ...(options.pipeline === undefined ? {} : { pipelineName: options.pipeline }),
      ...(resumed === undefined
        ? {
            nodeNames: options.nodes ?? [],
            fromNodes: options.fromNodes ?? [],
            toNodes: options.toNodes ?? [],
            fromInputs: options.fromInputs ?? [],
            toOutputs: options.toOutputs ?? [],
            tags: options.tags ?? [],
            namespaces: options.namespaces ?? [],
            isAsync: options.async,
            loadVersions: parseLoadVersions(options.loadVersions ?? []),
            onlyMissingOutputs: options.onlyMissingOutputs,
            continueOnFailure: options.continueOnFailure,
          }
        : {}),
      ...(runner === undefined ? {} : { runner }),
      signal: interruption.signal,
    });
    warnUnsavedOutputs(context, session.report?.unsavedOutputs ?? []);
    return ExitCode.ok;
  } catch (error) {
    context.runStarted = session.report !== undefined || error instanceof RunCancelledError;
    if (!context.runStarted) {
      // Nothing ran and no pipeline hook fired (RunNotStartedError, or a plugin's afterContextCreated
      // refusing its configuration): exit 2. Reported here rather than thrown, so that the CLI
      // hooks' afterCommandRun sees exit code 2 too.
      context.stderr.write(
        `${formatError(error, { verbose: context.verbose, color: context.stderr.isTTY === true && !process.env.NO_COLOR })}\n`,
      );
      return ExitCode.usage;
    }
    throw error;
  } finally {
    interruption.dispose();
  }
}

/**
 * The warning for final outputs no catalog entry declares: they lived in memory and are gone now
 * that the run has ended (a renamed catalog entry leaves its output undeclared, silently).
 */
function warnUnsavedOutputs(context: CliContext, unsaved: readonly UnsavedOutput[]): void {
  if (unsaved.length === 0) return;
  const one = unsaved.length === 1;
  const names = unsaved.map((output) => `"${output.datasetName}"`).join(', ');
  const lines = [
    `Warning: this run's final output${one ? '' : 's'} ${names} ${one ? 'is' : 'are'} not in the catalog: ${one ? 'it was' : 'they were'} kept in memory only and ${one ? 'is' : 'are'} lost now that the run has ended.`,
  ];
  for (const output of unsaved) {
    if (output.suggestion !== undefined)
      lines.push(
        `  The catalog declares "${output.suggestion}", which no node uses: did you mean it for "${output.datasetName}"?`,
      );
  }
  const example = unsaved[0]!.datasetName;
  lines.push(
    `  To save ${one ? 'it' : 'them'}, declare ${one ? 'it' : 'each'} in conf/base/catalog.yml, e.g. \`${example}: { type: json, filepath: data/${example}.json }\`.`,
  );
  context.stderr.write(`${lines.join('\n')}\n`);
}

/**
 * `--resume` repeats the recorded run's choices; a flag that would change which nodes run or on
 * what data contradicts it. (`--runner`, `--incremental` and the display may still be given: they
 * change how the nodes run, not which, nor on what.)
 */
function refuseChoicesWithResume(options: RunCommandOptions): void {
  const given = (
    [
      ['--pipeline', options.pipeline !== undefined],
      ['--env', options.env !== undefined],
      ['--conf-source', options.confSource !== undefined],
      ['--params', (options.params ?? []).length > 0],
      ['--nodes', (options.nodes ?? []).length > 0],
      ['--from-nodes', (options.fromNodes ?? []).length > 0],
      ['--to-nodes', (options.toNodes ?? []).length > 0],
      ['--from-inputs', (options.fromInputs ?? []).length > 0],
      ['--to-outputs', (options.toOutputs ?? []).length > 0],
      ['--tags', (options.tags ?? []).length > 0],
      ['--namespaces', (options.namespaces ?? []).length > 0],
      ['--load-versions', (options.loadVersions ?? []).length > 0],
      ['--only-missing-outputs', options.onlyMissingOutputs],
      ['--continue-on-failure', options.continueOnFailure],
      ['--async', options.async],
    ] as const
  )
    .filter(([, present]) => present)
    .map(([flag]) => flag);
  if (given.length > 0)
    throw new UsageError(
      `--resume takes the failed run's own choices, so ${given.join(', ')} can't go with it.`,
      {
        hint: 'Drop those flags to resume the run as it was, or run without --resume to choose anew.',
      },
    );
}

/** `--load-versions "a:2024-01-01T00.00.00.000Z,b:v2"` → `{ a: ..., b: ... }` (Kedro's format). */
export function parseLoadVersions(items: readonly string[]): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const item of items) {
    const colon = item.indexOf(':');
    if (colon <= 0 || colon === item.length - 1) {
      throw new UsageError(`Invalid --load-versions item "${item}": expected "dataset:version".`, {
        hint: 'Write --load-versions "model:2026-11-22T02.57.07.123Z-3fa9".',
      });
    }
    versions[item.slice(0, colon)] = item.slice(colon + 1);
  }
  return versions;
}
