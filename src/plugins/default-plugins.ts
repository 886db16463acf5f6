import type { SluicePlugin } from '../plugin-api/index.ts';
import { alertOnFailure, alertOnSuccess, alertsPlugin } from './alerts/index.ts';
import { incrementalPlugin } from './incremental/index.ts';
import type { StepHooksOptions, StepHooksPlugin } from './step-hooks/index.ts';
import { stepHooksPlugin as stepHooksPluginWith } from './step-hooks/index.ts';
import { vizPlugin } from './viz/index.ts';
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

/** The step hooks a `sluice#<name>` reference names in hooks.yml or a node option. */
export const BUILT_IN_STEP_HOOKS = Object.freeze({ alertOnFailure, alertOnSuccess });

/**
 * The step-hooks plugin as the `sluice` module exports it: `sluice#alertOnFailure` and
 * `sluice#alertOnSuccess` name the alert hooks, whether or not the project installed Sluice by name.
 */
export function stepHooksPlugin(options: StepHooksOptions = {}): StepHooksPlugin {
  return stepHooksPluginWith({ builtInHooks: BUILT_IN_STEP_HOOKS, ...options });
}

/**
 * The built-in plugins every project gets, fresh for each hook manager (they keep per-run state).
 * A project turns one off with `disableHooksForPlugins: ['<name>']`, or replaces it by listing
 * its own instance (same name) in `hooks`. The package's entry points hand them to the code that
 * opens projects (`provideBuiltInPlugins`), which sits below the plugins.
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
    vizPlugin(),
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
