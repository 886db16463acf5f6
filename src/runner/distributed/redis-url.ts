/** Where a run's Redis is when nothing else says. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The Redis URL: the project's setting, else SLUICE_REDIS_URL, else the local default. */
export function resolveRedisUrl(configured: string | undefined, env = process.env): string {
  return configured ?? (env.SLUICE_REDIS_URL || undefined) ?? DEFAULT_REDIS_URL;
}

/** The URL with its user name and password replaced, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = parsed.username === '' ? '' : '***';
    parsed.password = parsed.password === '' ? '' : '***';
    return parsed.toString();
  } catch {
    // Not a URL we can take apart: show only its scheme, never what might be a password.
    return `${url.split(':')[0] ?? 'redis'}://(unparseable URL)`;
  }
}
