import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { DiscoveryResult } from '../../hooks/discovery.ts';
import { CatalogAggregateError } from '../../io/catalog-errors.ts';
import { defaultPlugins } from '../../plugins/default-plugins.ts';
import { didYouMean } from '../../suggest.ts';
import type { DataCatalog } from '../../io/catalog.ts';
import { hookFailureSource } from '../../hooks/failure-source.ts';
import type { SluiceHookManager } from '../../hooks/sluice-manager.ts';
import type { Pipeline } from '../../pipeline/pipeline.ts';
import type { MissingVariable, PreflightProblem } from '../../plugins/preflight/index.ts';
import {
  PREFLIGHT_PLUGIN_NAME,
  checkEnvironment,
  formatProblem,
  missingVariables,
  runPreflight,
  runSourceChecks,
} from '../../plugins/preflight/index.ts';
import { buildCatalog } from '../../project/build-catalog.ts';
import { createProjectHooks } from '../../project/project-hooks.ts';
import type { ProjectSettings } from '../../project/settings.ts';
import { DEFAULT_PIPELINE, loadSettings } from '../../project/settings.ts';
import { defaultRunParams } from '../../run-types/run-params.ts';
import type { RunParams } from '../../run-types/run-params.ts';
import { describeMissingInput } from '../../runner/missing-inputs.ts';
import { findMissingInputs } from '../../runner/missing-inputs.ts';
import { newRunId } from '../../session/run-id.ts';
import { RunNotStartedError } from '../../session/errors.ts';
import type { SluiceError } from '../../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import type { ExitCodeValue } from '../exit-codes.ts';
import type { CliContext } from '../main.ts';

export interface CheckOptions {
  readonly pipeline?: string;
  readonly env?: string;
  readonly typecheck?: boolean;
  readonly lint?: boolean;
  readonly docs?: boolean;
}

/**
 * `sluice check`: every problem a run would meet, found without running a node or loading data,
 * listed at once with file:line and a hint. Exit 1 when any is an error, else 0 with a summary.
 */
export async function checkCommand(context: CliContext, options: CheckOptions): Promise<ExitCodeValue> {
  const startedAt = performance.now();
  const problems = await findProblems(context.projectPath, options);
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(2);
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  const warnings = problems.length - errors;
  for (const problem of problems) context.stdout.write(`${formatProblem(problem)}\n`);
  const optIn = (['typecheck', 'lint', 'docs'] as const).filter((name) => options[name] === true);
  const ran = `checked inputs, catalog, credentials, environment, parameters, references${optIn.length === 0 ? '' : `, ${optIn.join(', ')}`}`;
  if (errors > 0) {
    context.stdout.write(
      `\nsluice check: ${errors} error(s), ${warnings} warning(s) (${ran}) in ${seconds} s.\n`,
    );
    return ExitCode.runFailed;
  }
  context.stdout.write(
    `sluice check: all good${warnings === 0 ? '' : `, ${warnings} warning(s)`} (${ran}) in ${seconds} s.\n`,
  );
  return ExitCode.ok;
}

async function findProblems(projectPath: string, options: CheckOptions): Promise<PreflightProblem[]> {
  let settings: ProjectSettings;
  try {
    settings = await loadSettings(projectPath);
  } catch (error) {
    return problemsOf('project', error);
  }
  const problems: PreflightProblem[] = [];
  let hooks: SluiceHookManager;
  try {
    const opened = await createProjectHooks(settings, { role: 'main', builtIns: defaultPlugins });
    hooks = opened.manager;
    problems.push(...unknownDisabledPlugins(settings, opened.discovery));
  } catch (error) {
    return [...problems, ...problemsOf('references', error)];
  }
  const pipelineName = options.pipeline ?? DEFAULT_PIPELINE;
  const env = options.env ?? settings.defaultEnv;
  const runId = newRunId();
  const runParams = defaultRunParams({
    runId,
    projectPath: settings.projectPath,
    env,
    confSource: settings.confSource,
    pipelineName,
  });
  let pipeline: Pipeline;
  const pipelines: Pipeline[] = [];
  try {
    pipeline = await settings.pipeline(pipelineName);
    for (const name of settings.pipelineNames()) pipelines.push(await settings.pipeline(name));
  } catch (error) {
    return [...problems, ...problemsOf('project', error)];
  }
  const subject = {
    projectPath: settings.projectPath,
    confSource: settings.confSource,
    env,
    pipeline,
    pipelines,
    environ: process.env,
  };
  const unset = missingVariables(subject);
  problems.push(...checkEnvironment(subject));
  const catalog = await openCatalog(settings, hooks, env, runId, pipelineName, unset, problems);
  // Without a catalog the data can't be checked, the project's source still can.
  if (catalog === undefined) return dedupe([...problems, ...(await runSourceChecks(subject, options))]);
  problems.push(...(await runChecks(pipeline, catalog, hooks, runParams)));
  // The environment was checked above, before the catalog.
  const found = await runPreflight({ ...subject, catalog }, options);
  problems.push(...found.filter((problem) => problem.check !== 'env'));
  return dedupe(problems);
}

/**
 * Builds the catalog as a run would, going on past what the other checks already report, so
 * that one problem doesn't hide the rest: a variable `unset` lists gets a placeholder value (in
 * this process only), and a plugin whose afterContextCreated fails (a step hook reference in
 * hooks.yml, say) is reported and left out.
 */
async function openCatalog(
  settings: ProjectSettings,
  hooks: SluiceHookManager,
  env: string,
  runId: string,
  pipelineName: string,
  unset: readonly MissingVariable[],
  problems: PreflightProblem[],
): Promise<DataCatalog | undefined> {
  for (const { name } of unset) process.env[name] = 'sluice-check-placeholder';
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const { catalog } = await buildCatalog({
        settings,
        hooks,
        env,
        confSource: settings.confSource,
        runtimeParams: {},
        saveVersion: runId,
        loadVersions: {},
        runId,
        pipelineName,
      });
      return catalog;
    } catch (error) {
      const plugin = hookFailureSource(error)?.pluginName;
      problems.push(...problemsOf(plugin === undefined ? 'catalog' : 'references', error));
      if (plugin === undefined || hooks.unregister(plugin) === undefined) return undefined;
    }
  }
  return undefined;
}

/** The run's own checks: inputs nothing provides, entries that can't be built, plugins' objections. */
async function runChecks(
  pipeline: Pipeline,
  catalog: DataCatalog,
  hooks: SluiceHookManager,
  runParams: RunParams,
): Promise<PreflightProblem[]> {
  const problems: PreflightProblem[] = [];
  const missing = findMissingInputs(pipeline, catalog, pipeline);
  for (const input of missing) {
    problems.push({
      check: input.datasetName.startsWith('params:') ? 'parameters' : 'inputs',
      severity: 'error',
      message: describeMissingInput(input),
      hint: input.datasetName.startsWith('params:')
        ? 'Declare it in conf/base/parameters.yml, or pass it with --params.'
        : 'Declare it in the catalog, or add the node that produces it.',
    });
  }
  const absent = new Set(missing.map((input) => input.datasetName));
  try {
    await catalog.materialize([...pipeline.datasets()].filter((name) => !absent.has(name)));
  } catch (error) {
    problems.push(...problemsOf('catalog', error));
  }
  // Each plugin on its own, so that one objection doesn't hide the next.
  for (const [name, plugin] of hooks.plugins()) {
    if (name === PREFLIGHT_PLUGIN_NAME) continue;
    const implementation = (plugin as { validatePipelineRun?: unknown }).validatePipelineRun;
    const handler =
      typeof implementation === 'function'
        ? implementation
        : (implementation as { handler?: unknown } | undefined)?.handler;
    if (typeof handler !== 'function') continue;
    try {
      await handler.call(plugin, { runParams, pipeline, catalog });
    } catch (error) {
      problems.push(...problemsOf('references', error));
    }
  }
  return problems;
}

/**
 * `disableHooksForPlugins` entries that name no built-in plugin, no installed package declaring
 * hooks and no plugin of the project: the plugin meant to be off is still on.
 */
function unknownDisabledPlugins(settings: ProjectSettings, discovery: DiscoveryResult): PreflightProblem[] {
  const known = [
    ...defaultPlugins().map((plugin) => plugin.name),
    ...discovery.plugins.flatMap((found) => [found.packageName, found.name]),
    ...discovery.disabled,
    ...(settings.config.hooks ?? []).map((plugin) => (plugin as { name?: string }).name ?? ''),
  ];
  const lines = readFileSync(settings.configFile, 'utf8').split('\n');
  return (settings.config.disableHooksForPlugins ?? [])
    .filter((name) => !known.includes(name))
    .map((name) => {
      const line = lines.findIndex((text) => text.includes(`'${name}'`) || text.includes(`"${name}"`));
      return {
        check: 'references' as const,
        severity: 'error' as const,
        location: {
          file: relative(settings.projectPath, settings.configFile).split('\\').join('/'),
          line: line + 1 || 1,
        },
        message: `disableHooksForPlugins names "${name}", which is no built-in plugin, installed plugin package or plugin of the project, so nothing is turned off.${didYouMean(name, known)}`,
        hint: `Known plugins: ${[...new Set(known)].filter(Boolean).sort().join(', ')}.`,
      };
    });
}

/**
 * Problems from an error: one per problem when it lists several (`problems` of a run that could not
 * start, `errors` of a catalog or a plugin's aggregate error).
 */
function problemsOf(check: PreflightProblem['check'], error: unknown): PreflightProblem[] {
  if (error instanceof RunNotStartedError)
    return error.problems.flatMap((problem) => problemsOf(check, problem));
  const listed = (error as { errors?: unknown } | null)?.errors;
  if (Array.isArray(listed) && listed.length > 0) {
    const credentials = error instanceof CatalogAggregateError;
    return listed.flatMap((inner) =>
      problemsOf(credentials && /credentials/.test((inner as Error).message) ? 'credentials' : check, inner),
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return [{ check, severity: 'error', message, hint: (error as SluiceError | null)?.hint }];
}

function dedupe(problems: readonly PreflightProblem[]): PreflightProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.check}|${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
