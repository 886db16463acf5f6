/**
 * Email over SMTP with nodemailer, imported on first use so that projects without an email
 * alerter never load it. One connection per alert: alerts are rare, and a pooled connection
 * would keep the process alive after the run.
 */
import type { Alert } from './alert.ts';
import { formatDuration, truncate } from './alert.ts';
import type { Alerter, AlerterType } from './alerter.ts';
import type { AlerterSettings } from './alerts-config.ts';
import { AlertDeliveryError } from './errors.ts';
import { formatLocation, importOptional } from '../../plugin-api/index.ts';

/** SMTP settings: host and port in alerts.yml or credentials; user and password from credentials. */
export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  /** TLS from the start (port 465). Otherwise STARTTLS is used when the server offers it. */
  readonly secure: boolean;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly from: string;
  readonly to: readonly string[];
  readonly subjectPrefix: string;
}

export interface EmailMessage {
  subject: string;
  text: string;
}

export function emailMessage(alert: Alert, subjectPrefix: string): EmailMessage {
  const lines = [alert.title, ''];
  if (alert.node !== undefined) lines.push(`Node:      ${alert.node}`);
  lines.push(`Pipeline:  ${alert.pipelineName}`, `Run:       ${alert.runId}`);
  if (alert.durationMs !== undefined) lines.push(`Duration:  ${formatDuration(alert.durationMs)}`);
  if (alert.attempt !== undefined) lines.push(`Attempt:   ${alert.attempt}`);
  if (alert.params !== undefined && Object.keys(alert.params).length > 0)
    lines.push(`Params:    ${truncate(safeJson(alert.params), 2000)}`);
  if (alert.failedNodes !== undefined && alert.failedNodes.length > 0) {
    lines.push('', 'Failed nodes:');
    for (const { node, error } of alert.failedNodes)
      lines.push(`  - ${node}: ${error.name}: ${error.message.split('\n', 1)[0]}`);
  } else if (alert.error !== undefined) {
    lines.push('', `Error: ${alert.error.name}: ${truncate(alert.error.message, 5000)}`);
  }
  lines.push('', '-- Sent by Sluice');
  return { subject: `${subjectPrefix}${alert.title} (${alert.pipelineName})`, text: lines.join('\n') };
}

export function emailAlerter(settings: AlerterSettings & { smtp: SmtpSettings }): Alerter {
  const { smtp } = settings;
  const target = `smtp://${smtp.host}:${smtp.port}`;
  // Named like the alerts.yml errors: the alerter and where it is declared, not the SMTP server.
  const declared = formatLocation(settings.location);
  const feature = `The email alerter "${settings.name}" (email${declared === '' ? ', in alerts.yml' : `, ${declared}`})`;
  return {
    name: settings.name,
    type: 'email' satisfies AlerterType,
    events: settings.events,
    target,
    secrets: smtp.password === undefined ? [] : [smtp.password],
    delivery: settings.delivery,
    prepare(alert) {
      const message = emailMessage(alert, smtp.subjectPrefix);
      return (signal) => sendMail(smtp, message, signal, target, feature, settings.delivery.timeoutMs);
    },
  };
}

async function sendMail(
  smtp: SmtpSettings,
  message: EmailMessage,
  signal: AbortSignal,
  target: string,
  feature: string,
  timeoutMs: number,
): Promise<void> {
  const { createTransport } = await importOptional(() => import('nodemailer'), ['nodemailer'], feature);
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user === undefined ? {} : { auth: { user: smtp.user, pass: smtp.password ?? '' } }),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new AlertDeliveryError(`sending to ${target} timed out`, { retryable: true }));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {}); // settled by the race below, or never looked at
  try {
    await Promise.race([
      transport.sendMail({ from: smtp.from, to: [...smtp.to], subject: message.subject, text: message.text }),
      aborted,
    ]);
  } catch (error) {
    if (error instanceof AlertDeliveryError) throw error;
    const code = (error as { code?: unknown }).code;
    // Refused credentials, sender or recipients won't change on a second attempt.
    const retryable = !(code === 'EAUTH' || code === 'EENVELOPE' || code === 'EMESSAGE');
    const reason = (error as Error).message.split('\n', 1)[0];
    throw new AlertDeliveryError(
      `sending to ${target} failed: ${typeof code === 'string' ? `${code}: ` : ''}${reason}`,
      {
        retryable,
        ...(code === 'EAUTH'
          ? { hint: 'The SMTP server refused the user or password in the alerter credentials.' }
          : {}),
      },
    );
  } finally {
    signal.removeEventListener('abort', onAbort);
    transport.close();
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '(not serializable)';
  }
}
