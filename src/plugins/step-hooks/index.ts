export { stepHooksPlugin, STEP_HOOKS_PLUGIN_NAME } from './plugin.ts';
export type { StepHooksOptions, StepHooksPlugin } from './plugin.ts';
export type { StepHookFailure } from './invoke.ts';
export type { StepHookKind } from './hooks-config.ts';
export { StepHookConfigError, StepHookReferenceError } from './errors.ts';
export type { DescribedStepHook, DescribedStepHooks } from './describe.ts';
export type { SettingSource } from './precedence.ts';
