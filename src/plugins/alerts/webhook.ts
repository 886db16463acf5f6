/**
 * A generic JSON webhook: a POST of the alert as JSON. With a secret, `X-Sluice-Signature:
 * sha256=<hex>` carries an HMAC-SHA256 of the exact body, so the receiver can check that the
 * alert comes from whoever holds the secret (compute the HMAC over the raw body and compare).
 */
import { createHmac } from 'node:crypto';
import type { Alert } from './alert.ts';
import type { Alerter, AlerterType } from './alerter.ts';
import type { AlerterSettings } from './alerts-config.ts';
import { postJson } from './http.ts';
import { redactWebhookUrl, urlSecrets } from './redaction.ts';

export const SIGNATURE_HEADER = 'X-Sluice-Signature';

/** The JSON body a webhook receives. */
export interface WebhookPayload {
  /** `node.failure`, `node.retry`, `node.success` or `pipeline.failure`. */
  event: string;
  title: string;
  pipeline: string;
  runId: string;
  node: string | null;
  attempt: number | null;
  durationMs: number | null;
  error: { name: string; message: string } | null;
  params: Record<string, unknown> | null;
  failedNodes: { node: string; error: { name: string; message: string } }[] | null;
  sentAt: string;
}

export function webhookPayload(alert: Alert, sentAt = new Date()): WebhookPayload {
  return {
    event: alert.kind === 'pipeline' ? 'pipeline.failure' : `node.${alert.kind}`,
    title: alert.title,
    pipeline: alert.pipelineName,
    runId: alert.runId,
    node: alert.node ?? null,
    attempt: alert.attempt ?? null,
    durationMs: alert.durationMs ?? null,
    error: alert.error ?? null,
    params: alert.params === undefined ? null : { ...alert.params },
    failedNodes: alert.failedNodes?.map((failed) => ({ node: failed.node, error: failed.error })) ?? null,
    sentAt: sentAt.toISOString(),
  };
}

/** `sha256=<hex>` of the HMAC-SHA256 of `body` under `secret`. */
export function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export function webhookAlerter(
  settings: AlerterSettings & {
    url: string;
    secret?: string | undefined;
    headers: Readonly<Record<string, string>>;
  },
): Alerter {
  const target = redactWebhookUrl(settings.url);
  return {
    name: settings.name,
    type: 'webhook' satisfies AlerterType,
    events: settings.events,
    target,
    secrets: [
      ...urlSecrets(settings.url),
      ...(settings.secret === undefined ? [] : [settings.secret]),
      ...Object.values(settings.headers),
    ],
    delivery: settings.delivery,
    prepare(alert) {
      const body = jsonBody(webhookPayload(alert));
      const headers: Record<string, string> = {
        ...settings.headers,
        'X-Sluice-Event': webhookPayload(alert).event,
      };
      if (settings.secret !== undefined) headers[SIGNATURE_HEADER] = signature(body, settings.secret);
      return (signal) => postJson(settings.url, body, headers, signal, target);
    },
  };
}

/** Params may hold values JSON can't show (BigInt, cycles): those become text rather than a failed alert. */
function jsonBody(payload: WebhookPayload): string {
  try {
    return JSON.stringify(payload);
  } catch {
    return JSON.stringify({
      ...payload,
      params: payload.params === null ? null : { unserializable: Object.keys(payload.params) },
    });
  }
}
