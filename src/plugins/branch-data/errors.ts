import { ConfigError } from '../../plugin-api/index.ts';

/** `conf/<env>/branch_data.yml` is wrong: the message starts with its file and line. */
export class BranchDataConfigError extends ConfigError {}
