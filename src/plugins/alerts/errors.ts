import { ConfigError, SluiceError } from '../../plugin-api/index.ts';

/** `conf/<env>/alerts.yml` is wrong, or names credentials that don't exist or lack a key. */
export class AlertConfigError extends ConfigError {}

/**
 * One alert could not be delivered to one alerter, after every attempt. Its message never shows
 * a webhook URL's secret part, a signing secret, a token or a password.
 */
export class AlertDeliveryError extends SluiceError {
  /** The HTTP status of the last attempt, when there was a response. */
  readonly status: number | undefined;
  /** Whether another attempt could succeed (network trouble, a timeout, HTTP 5xx or 429). */
  readonly retryable: boolean;

  constructor(message: string, options: { status?: number | undefined; retryable: boolean; hint?: string }) {
    super(message, options.hint === undefined ? undefined : { hint: options.hint });
    this.status = options.status;
    this.retryable = options.retryable;
  }
}

/** With `fail_pipeline: true`, a run whose alerts could not all be delivered fails at its end. */
export class AlertsFailedError extends SluiceError {}
