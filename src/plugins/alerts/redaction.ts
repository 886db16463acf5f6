/**
 * Keeping alert credentials out of sight: webhook URLs are shown as their origin only (a Slack
 * webhook's path *is* its secret), and every secret value is masked in anything logged or thrown.
 */
import { SecretRedactor } from '../../io/catalog-redaction.ts';

/** `https://hooks.slack.com/***`: scheme, host and port; path, query and user info hidden. */
export function redactUrl(url: string): string {
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

/** A redactor masking every one of `secrets` (and their URL-encoded forms). */
export function redactorFor(secrets: readonly string[]): SecretRedactor {
  return new SecretRedactor({ secrets: [...secrets] });
}
