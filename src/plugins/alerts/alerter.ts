import type { Alert, AlertKind } from './alert.ts';
import type { DeliveryPolicy } from './delivery.ts';

/** The alerter types alerts.yml knows. */
export type AlerterType = 'slack' | 'webhook' | 'email';

/** One configured destination for alerts. */
export interface Alerter {
  readonly name: string;
  readonly type: AlerterType;
  /** The alert kinds it sends; others are skipped. */
  readonly events: ReadonlySet<AlertKind>;
  /** Where it sends, safe to show in logs: `https://hooks.slack.com/***`, `smtp://mail.example.com:587`. */
  readonly target: string;
  /** Values that must never show in a log line or an error: URLs, signing secrets, tokens, passwords. */
  readonly secrets: readonly string[];
  readonly delivery: DeliveryPolicy;
  /**
   * Prepares one alert and returns the function that makes one delivery attempt, so that every
   * retry sends exactly the same body (and signature). An attempt throws `AlertDeliveryError`.
   */
  prepare(alert: Alert): (signal: AbortSignal) => Promise<void>;
}
