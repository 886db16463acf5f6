export { preflightPlugin, PREFLIGHT_PLUGIN_NAME } from './plugin.ts';
export type { PreflightOptions } from './plugin.ts';
export { runPreflight } from './run-preflight.ts';
export { checkEnvironment } from './checks.ts';
export type { PreflightChecks } from './run-preflight.ts';
export type { PreflightSubject } from './checks.ts';
export type { PreflightProblem, PreflightCheckName } from './problem.ts';
export { formatProblem } from './problem.ts';
export { PreflightError } from './errors.ts';
