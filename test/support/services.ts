/**
 * Tests that need a real server (PostgreSQL, Redis, an SMTP peer we cannot start) call
 * `serviceOrSkip`. On a user's machine an unreachable server skips the test with a loud message;
 * under CI (`SLUICE_REQUIRE_SERVICES=1`, set by .ci/run) it fails instead, so CI never hides a gap.
 */
import type { TestContext } from 'node:test';
import { connect } from 'node:net';

export const servicesRequired = process.env.SLUICE_REQUIRE_SERVICES === '1';

/**
 * Resolves true when something accepts TCP connections on host:port within the timeout. A closed
 * local port refuses at once; the generous timeout only keeps a loaded machine from passing for a
 * missing server.
 */
export function reachable(host: string, port: number, timeoutMs = 10_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Returns true when the service answers. Otherwise skips the test (loudly) or, under CI, throws.
 */
export async function serviceOrSkip(
  t: TestContext,
  service: string,
  host: string,
  port: number,
): Promise<boolean> {
  if (await reachable(host, port)) return true;
  const message = `${service} is not reachable at ${host}:${port}`;
  if (servicesRequired) throw new Error(`${message}, and SLUICE_REQUIRE_SERVICES=1 forbids skipping.`);
  process.stderr.write(`\n!!! SKIPPED: ${message}. Start it to run "${t.name}".\n\n`);
  t.skip(message);
  return false;
}
