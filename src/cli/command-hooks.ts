import { discoverPlugins } from '../hooks/discovery.ts';
import { createHookManager } from '../hooks/sluice-manager.ts';
import { settle } from '../maybe-promise.ts';
import { projectMetadata } from '../session/project-metadata.ts';
import { loadSettings } from '../project/settings.ts';
import { exitCodeFor, formatError } from './report-error.ts';
import type { CliContext } from './main.ts';

/**
 * Fires `beforeCommandRun` and `afterCommandRun` (with the exit code) around every command, from
 * the plugins installed packages declare (Kedro fires these from entry points only; Sluice does
 * it for every command, `new` included). A command that throws still gets `afterCommandRun`, with
 * the exit code the error maps to; the error then propagates to be reported.
 */
export async function withCommandHooks(
  context: CliContext,
  commandArgs: readonly string[],
  command: () => Promise<number>,
): Promise<number> {
  const hooks = createHookManager();
  const { plugins } = await discoverPlugins(context.projectPath, {
    disable: await disabledPackages(context.projectPath),
  });
  if (plugins.length === 0) return command();
  for (const found of plugins) hooks.register(found.plugin, found.name);
  const metadata = await projectMetadata(context.projectPath);
  await settle(hooks.hook.beforeCommandRun.call({ projectMetadata: metadata, commandArgs }));
  let exitCode: number;
  try {
    exitCode = await command();
  } catch (error) {
    exitCode = exitCodeFor(error, context.runStarted);
    try {
      await settle(hooks.hook.afterCommandRun.call({ projectMetadata: metadata, commandArgs, exitCode }));
    } catch (hookError) {
      context.stderr.write(`${formatError(hookError, { verbose: context.verbose, color: false })}\n`);
    }
    throw error;
  }
  await settle(hooks.hook.afterCommandRun.call({ projectMetadata: metadata, commandArgs, exitCode }));
  return exitCode;
}

/**
 * The project's `disableHooksForPlugins`, so a disabled package stays off for CLI hooks too (and
 * is never imported). Outside a project, or when the settings don't load (the command then
 * reports why), nothing is disabled.
 */
async function disabledPackages(projectPath: string): Promise<readonly string[]> {
  try {
    return (await loadSettings(projectPath)).config.disableHooksForPlugins ?? [];
  } catch {
    return [];
  }
}
