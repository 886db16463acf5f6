import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Pipeline } from '../../pipeline/pipeline.ts';
import type { RetryPolicy } from '../../pipeline/retry-policy.ts';
import { buildCatalog } from '../../project/build-catalog.ts';
import { createProjectHooks } from '../../project/project-hooks.ts';
import { defaultPlugins } from '../../plugins/default-plugins.ts';
import { DEFAULT_PIPELINE, loadSettings } from '../../project/settings.ts';
import { newRunId } from '../../session/run-id.ts';
import { buildStaticPage, describeGraph, openRunHistory, startVizServer } from '../../plugins/viz/index.ts';
import type { VizGraph } from '../../plugins/viz/index.ts';
import { FunctionLocator } from '../../plugins/viz/index.ts';
import { STEP_HOOKS_PLUGIN_NAME } from '../../plugins/step-hooks/index.ts';
import type { StepHooksPlugin } from '../../plugins/step-hooks/index.ts';
import { UsageError } from '../usage-error.ts';
import type { CliContext } from '../main.ts';

/** The project as the page shows it: every registered pipeline, described against its catalog. */
async function projectGraph(context: CliContext, env: string | undefined): Promise<VizGraph> {
  const settings = await loadSettings(context.projectPath);
  const { manager } = await createProjectHooks(settings, { role: 'main', builtIns: defaultPlugins });
  const runId = newRunId();
  const { catalog } = await buildCatalog({
    settings,
    hooks: manager,
    env: env ?? settings.defaultEnv,
    confSource: settings.confSource,
    runtimeParams: {},
    saveVersion: runId,
    loadVersions: {},
    runId,
    pipelineName: DEFAULT_PIPELINE,
  });
  const pipelines = new Map<string, Pipeline>();
  for (const name of settings.pipelineNames()) pipelines.set(name, await settings.pipeline(name));
  // The retry policy a run would use: plugins may set it from configuration (hooks.yml).
  const retries = new Map<string, RetryPolicy | undefined>();
  for (const pipeline of pipelines.values())
    for (const node of pipeline.nodes) {
      if (retries.has(node.name)) continue;
      try {
        retries.set(
          node.name,
          (await manager.hook.nodeRetryPolicy.call({ node, runId })) ?? node.options.retries,
        );
      } catch {
        retries.set(node.name, node.options.retries); // a bad hooks.yml is `sluice run`'s to report
      }
    }
  // The step hooks a run would call, hooks.yml included, as the step-hooks plugin (or the project's
  // own instance of it) resolves them; with the plugin turned off, none run.
  const stepHooks = manager.getPlugin(STEP_HOOKS_PLUGIN_NAME) as Partial<StepHooksPlugin> | undefined;
  const locator = new FunctionLocator(context.projectPath);
  try {
    return describeGraph({
      projectName: projectName(context.projectPath),
      pipelines,
      catalog,
      sourceOf: (node) => locator.locate(node.func),
      retryPolicyOf: (node) => retries.get(node.name),
      stepHooksOf: (node) =>
        typeof stepHooks?.describeStepHooks === 'function' ? stepHooks.describeStepHooks(node) : {},
    });
  } finally {
    locator.close();
  }
}

function projectName(projectPath: string): string {
  try {
    const { name } = JSON.parse(readFileSync(join(projectPath, 'package.json'), 'utf8')) as {
      name?: unknown;
    };
    if (typeof name === 'string' && name !== '') return name;
  } catch {
    // No package.json: the folder's name.
  }
  return basename(projectPath);
}

/**
 * `sluice viz`: serves the pipeline page on 127.0.0.1 (a free port unless --port), prints the
 * address and serves until interrupted. Runs of the project report to it while it is open.
 */
export async function vizCommand(
  context: CliContext,
  options: { port?: string; host?: string; open?: boolean; env?: string },
): Promise<void> {
  const port = options.port === undefined ? 0 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(`--port must be a port number (0-65535), not ${JSON.stringify(options.port)}.`);
  const host = options.host ?? '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(host))
    context.stderr.write(
      `Warning: serving on ${host}: anyone who can reach this address sees the project's pipelines, dataset settings and run statuses.\n`,
    );
  const graph = await projectGraph(context, options.env);
  const server = await startVizServer({
    projectPath: context.projectPath,
    graph,
    history: await openRunHistory(context.projectPath),
    host,
    port,
  });
  // Listening before the address is printed: whoever reads it may signal at once.
  let stop!: () => void;
  const stopped = new Promise<void>((resolveStop) => {
    stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveStop();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  context.stdout.write(`Sluice viz: ${server.url}\n`);
  if (options.open === true) openBrowser(server.url, context);
  await stopped;
  await server.close();
}

/** `sluice viz build [--out DIR]`: writes the page as one self-contained HTML file. */
export async function vizBuildCommand(
  context: CliContext,
  options: { out?: string; env?: string },
): Promise<void> {
  const graph = await projectGraph(context, options.env);
  const history = await openRunHistory(context.projectPath);
  let html: string;
  try {
    html = await buildStaticPage(graph, history, {
      layoutCacheFolder: join(context.projectPath, '.sluice', 'viz', 'layouts'),
    });
  } finally {
    history.close();
  }
  const folder = resolve(context.projectPath, options.out ?? 'build/viz');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'index.html');
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, html);
  renameSync(temporary, file);
  context.stdout.write(
    `Wrote ${file} (${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB, opens from file://).\n`,
  );
}

function openBrowser(url: string, context: CliContext): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () =>
    context.stderr.write(`Could not start a browser (${command}); open ${url} yourself.\n`),
  );
  child.unref();
}
