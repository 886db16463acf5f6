/** The environment variable that turns tracking off for a process: `SLUICE_TRACKING=off`. */
export const TRACKING_ENV = 'SLUICE_TRACKING';

/** False when the environment turns tracking off (`off`, `0`, `false`, `no`). */
export function trackingEnabledByEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[TRACKING_ENV]?.trim().toLowerCase();
  return value === undefined || !['off', '0', 'false', 'no'].includes(value);
}
