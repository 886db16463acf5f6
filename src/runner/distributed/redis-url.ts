/** Where a run's Redis is when nothing else says. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The Redis URL: the project's setting, else SLUICE_REDIS_URL, else the local default. */
export function resolveRedisUrl(configured: string | undefined, env = process.env): string {
  return configured ?? (env.SLUICE_REDIS_URL || undefined) ?? DEFAULT_REDIS_URL;
}
