import { parseParamsOption } from '../../config/runtime-params.ts';
import { DistributedRunner } from '../../runner/distributed/distributed-runner.ts';
import { RunCancelledError } from '../../runner/errors.ts';
import { Session } from '../../session/session.ts';
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
}

/**
 * `sluice run`: Kedro's `kedro run`, flag for flag. SIGINT or SIGTERM stops scheduling and lets
 * running nodes settle; a second signal exits at once. Exit codes: 0, 1 (failed run), 2 (usage or
 * configuration), 130 (cancelled).
 */
export async function runCommand(context: CliContext, options: RunCommandOptions): Promise<ExitCodeValue> {
  const runtimeParams: Record<string, string> = {};
  for (const option of options.params ?? []) Object.assign(runtimeParams, parseParamsOption(option));
  const session = await Session.create({
    projectPath: context.projectPath,
    runtimeParams,
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.confSource === undefined ? {} : { confSource: options.confSource }),
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
  const runnerSettings = session.settings.config.runner ?? {};
  let runner: RunCommandOptions['runner'] | DistributedRunner = options.runner;
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
      ...(options.pipeline === undefined ? {} : { pipelineName: options.pipeline }),
      nodeNames: options.nodes ?? [],
      fromNodes: options.fromNodes ?? [],
      toNodes: options.toNodes ?? [],
      fromInputs: options.fromInputs ?? [],
      toOutputs: options.toOutputs ?? [],
      tags: options.tags ?? [],
      namespaces: options.namespaces ?? [],
      ...(runner === undefined ? {} : { runner }),
      isAsync: options.async,
      loadVersions: parseLoadVersions(options.loadVersions ?? []),
      onlyMissingOutputs: options.onlyMissingOutputs,
      continueOnFailure: options.continueOnFailure,
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
