import type { ConfigLocation } from '../config-location.ts';
import { SluiceError } from '../errors.ts';
import { formatLocation } from '../config-location.ts';

/**
 * Something in `conf/` is wrong. The message starts with `file:line:column` so that terminals and
 * editors link straight to it; `location` holds the same for tools.
 */
export class ConfigError extends SluiceError {
  readonly location: ConfigLocation | undefined;

  constructor(message: string, options?: { location?: ConfigLocation; cause?: unknown; hint?: string }) {
    const prefix = options?.location === undefined ? '' : `${formatLocation(options.location)}: `;
    super(`${prefix}${message}`, options);
    this.location = options?.location;
  }
}

/** A configuration file is not valid YAML (or JSON). */
export class ConfigSyntaxError extends ConfigError {}

/** A configuration file parses, but its shape is wrong: for example its top level is a list. */
export class ConfigShapeError extends ConfigError {}

/** Two files of one environment declare the same key, so neither can win. */
export class DuplicateConfigKeyError extends ConfigError {
  /** Every place the key is declared, in reading order. */
  readonly locations: readonly ConfigLocation[];

  constructor(message: string, locations: readonly ConfigLocation[], hint: string) {
    super(message, { ...(locations[1] === undefined ? {} : { location: locations[1] }), hint });
    this.locations = locations;
  }
}

/** A `${...}` interpolation can't be resolved: unknown resolver, missing key, or not allowed here. */
export class InterpolationError extends ConfigError {}

/** The requested configuration environment (`--env`) or the configuration folder doesn't exist. */
export class ConfigEnvironmentError extends ConfigError {}
