import type { Redactor } from '../../plugin-api/index.ts';
/**
 * Keeping alert credentials out of sight: webhook URLs are shown as their origin only (a Slack
 * webhook's path *is* its secret), and every secret value is masked in anything logged or thrown.
 */

/**
 * `https://hooks.slack.com/***`: scheme, host and port; path, query and user info hidden. Stricter
 * than the api dataset's `redactUrl`, which keeps the path: a Slack webhook's path *is* its secret.
 */
export function redactWebhookUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const hidden =
      parsed.pathname.length > 1 || parsed.search !== '' || parsed.username !== '' || parsed.password !== '';
    return `${parsed.protocol}//${parsed.host}${hidden ? '/***' : ''}`;
  } catch {
    return '(an invalid URL)';
  }
}

/** The parts of a URL that are secrets on their own (a path may appear without its host in an error). */
export function urlSecrets(url: string): string[] {
  try {
    const parsed = new URL(url);
    return [
      url,
      parsed.pathname.length > 1 ? parsed.pathname : '',
      parsed.search.slice(1),
      decodeURIComponent(parsed.password),
    ].filter((part) => part !== '');
  } catch {
    return [url];
  }
}

/**
 * The alerters' own secrets added to the project's redactor (`context.redactor`, which knows the
 * credentials), so an alert masks both: a node error may quote a catalog connection URL.
 */
export function redactorFor(project: Redactor, alerterSecrets: readonly string[]): Redactor {
  return alerterSecrets.length === 0 ? project : project.with(alerterSecrets);
}
