/**
 * Slack incoming webhooks: a POST of `{ text, blocks }` (Block Kit). `text` is the notification
 * and fallback line; the blocks show the node, pipeline, run id, duration and the error.
 */
import type { Alert } from './alert.ts';
import { formatDuration, truncate } from './alert.ts';
import type { Alerter, AlerterType } from './alerter.ts';
import type { AlerterSettings } from './alerts-config.ts';
import { postJson } from './http.ts';
import { redactWebhookUrl, urlSecrets } from './redaction.ts';

/** A Block Kit block, as much of it as Sluice sends. */
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string } }
  | { type: 'section'; text?: { type: 'mrkdwn'; text: string }; fields?: { type: 'mrkdwn'; text: string }[] }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

const EMOJI: Record<Alert['kind'], string> = {
  failure: ':x:',
  retry: ':warning:',
  success: ':white_check_mark:',
  pipeline: ':rotating_light:',
};

/** The Slack message for an alert, within Slack's limits (header 150, field 2000, section 3000 characters). */
export function slackMessage(alert: Alert): SlackMessage {
  const fields: { type: 'mrkdwn'; text: string }[] = [];
  const field = (label: string, value: string) =>
    fields.push({ type: 'mrkdwn', text: truncate(`*${label}*\n${value}`, 2000) });
  if (alert.node !== undefined) field('Node', `\`${alert.node}\``);
  field('Pipeline', `\`${alert.pipelineName}\``);
  field('Run', `\`${alert.runId}\``);
  if (alert.durationMs !== undefined) field('Duration', formatDuration(alert.durationMs));
  if (alert.attempt !== undefined && alert.attempt > 1) field('Attempt', String(alert.attempt));

  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(alert.title, 150) } },
    { type: 'section', fields },
  ];
  if (alert.failedNodes !== undefined && alert.failedNodes.length > 0) {
    const lines = alert.failedNodes.map(
      ({ node, error }) => `• \`${node}\`: ${error.name}: ${firstLine(error.message)}`,
    );
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(`*Failed nodes*\n${lines.join('\n')}`, 3000) },
    });
  } else if (alert.error !== undefined) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(`*Error*\n\`\`\`${alert.error.name}: ${alert.error.message}\`\`\``, 3000),
      },
    });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Sent by Sluice' }] });
  const where = alert.node === undefined ? '' : ` in pipeline ${alert.pipelineName}`;
  return { text: `${EMOJI[alert.kind]} ${alert.title}${where} (run ${alert.runId})`, blocks };
}

export function slackAlerter(settings: AlerterSettings & { url: string }): Alerter {
  const target = redactWebhookUrl(settings.url);
  return {
    name: settings.name,
    type: 'slack' satisfies AlerterType,
    events: settings.events,
    target,
    secrets: urlSecrets(settings.url),
    delivery: settings.delivery,
    prepare(alert) {
      const body = JSON.stringify(slackMessage(alert));
      return (signal) => postJson(settings.url, body, {}, signal, target);
    },
  };
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!.trim();
}
