import type { ConfigLocation } from '../../plugin-api/index.ts';
import { ConfigError, SluiceError, formatLocation } from '../../plugin-api/index.ts';

/** `conf/<env>/hooks.yml` is wrong: an unknown key, node or tag, or a bad retry option. */
export class StepHookConfigError extends ConfigError {}

/**
 * A step hook reference (`"module#export"`) can't be used: the module is missing or fails to
 * load, the export is missing, or it isn't a function. Written in YAML, the message starts with
 * the file and line; written in code, it names the node and the option.
 */
export class StepHookReferenceError extends SluiceError {
  readonly location: ConfigLocation | undefined;

  constructor(
    message: string,
    options: { location?: ConfigLocation | undefined; cause?: unknown; hint?: string },
  ) {
    const prefix = options.location === undefined ? '' : `${formatLocation(options.location)}: `;
    super(`${prefix}${message}`, {
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      ...(options.hint === undefined ? {} : { hint: options.hint }),
    });
    this.location = options.location;
  }
}
