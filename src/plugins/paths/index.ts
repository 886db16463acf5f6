export { pathsPlugin, PATHS_PLUGIN_NAME } from './plugin.ts';
export type { PathsOptions } from './plugin.ts';
export { PathRulesError } from './errors.ts';
export { PATHS_CONFIG_KEY } from './paths-config.ts';
