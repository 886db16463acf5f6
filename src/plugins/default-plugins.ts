import type { SluicePlugin } from '../plugin-api/index.ts';
import { alertsPlugin } from './alerts/index.ts';
import { incrementalPlugin } from './incremental/index.ts';
import { stepHooksPlugin } from './step-hooks/index.ts';
import { trackingPlugin } from './tracking/index.ts';
import { validationPlugin } from './validation/index.ts';
import { pathsPlugin } from './paths/index.ts';
import { branchDataPlugin } from './branch-data/index.ts';
import { metricsPlugin, telemetryPlugin } from './telemetry/index.ts';

/** Built-in plugins a project or a run turns on. */
export interface DefaultPluginChoices {
  /** Incremental runs: the `incremental` plugin, registered only when on, so that `nodeSkip` costs nothing otherwise. */
  readonly incremental?:
    { readonly explain?: boolean | undefined; readonly followImports?: boolean | undefined } | undefined;
}

/**
 * The built-in plugins every project gets, fresh for each hook manager (they keep per-run state).
 * A project turns one off with `disableHooksForPlugins: ['<name>']`, or replaces it by listing
 * its own instance (same name) in `hooks`.
 */
export function defaultPlugins(
  choices: DefaultPluginChoices = {},
): (SluicePlugin & { readonly name: string })[] {
  const plugins: (SluicePlugin & { readonly name: string })[] = [
    stepHooksPlugin(),
    alertsPlugin(),
    validationPlugin(),
    pathsPlugin(),
    branchDataPlugin(),
    telemetryPlugin(),
    metricsPlugin(),
    trackingPlugin(),
  ];
  if (choices.incremental !== undefined)
    plugins.push(
      incrementalPlugin({
        explain: choices.incremental.explain,
        followImports: choices.incremental.followImports,
      }),
    );
  return plugins;
}
