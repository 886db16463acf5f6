import { parseParamsOption } from '../../config/runtime-params.ts';
import { DistributedRunner } from '../../runner/distributed/distributed-runner.ts';
import { RunCancelledError } from '../../runner/errors.ts';
import { Session } from '../../session/session.ts';
import { ExitCode } from '../exit-codes.ts';
import type { ExitCodeValue } from '../exit-codes.ts';
import type { CliContext } from '../main.ts';
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
  if (options.progress !== 'off') {
    const { progressPlugin } = await import('../../plugins/index.ts');
    session.hooks.register(progressPlugin({ stream: context.stderr, mode: options.progress }));
  }
  const runnerSettings = session.settings.config.runner ?? {};
  let runner: RunCommandOptions['runner'] | DistributedRunner = options.runner;
  if (options.queue !== undefined) {
    if ((options.runner ?? runnerSettings.default) !== 'distributed')
      throw new UsageError('--queue applies to the distributed runner only.', {
        hint: 'Add --runner distributed, or set runner.default to "distributed" in sluice.config.ts.',
      });
    runner = new DistributedRunner({ ...runnerSettings.distributed, queue: options.queue });
  }
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(ExitCode.cancelled);
    context.stderr.write(
      `\nReceived ${signal}: finishing the running nodes, then stopping (send it again to stop at once).\n`,
    );
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
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
      signal: controller.signal,
    });
    return ExitCode.ok;
  } catch (error) {
    context.runStarted = session.report !== undefined;
    if (error instanceof RunCancelledError) context.runStarted = true;
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
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
