import { ConfigError } from '../../plugin-api/index.ts';

/** `conf/<env>/telemetry.yml` is wrong: the message starts with its file and line. */
export class TelemetryConfigError extends ConfigError {}
