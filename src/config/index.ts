/** Configuration: `conf/<env>` layering, YAML with line numbers, interpolation, credentials. */
export type { ConfigLoaderOptions } from './config-loader.ts';
export { ConfigLoader, DEFAULT_CONFIG_PATTERNS } from './config-loader.ts';
export type { MergeStrategy } from './config-tree.ts';
export {
  ConfigError,
  ConfigSyntaxError,
  ConfigShapeError,
  DuplicateConfigKeyError,
  InterpolationError,
  ConfigEnvironmentError,
} from './errors.ts';
export { CONFIG_LIMITS } from './limits.ts';
export { formatLocation, RUNTIME_PARAMS_SOURCE } from './location.ts';
export { normalizeRuntimeParams, parseParamsOption, parseScalar } from './runtime-params.ts';
