import { ConfigError } from '../../plugin-api/index.ts';

/** `conf/<env>/paths.yml` is wrong: the message starts with its file and line. */
export class PathRulesError extends ConfigError {}
