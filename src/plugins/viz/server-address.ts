import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where an open `sluice viz` tells the project's runs how to reach it: `.sluice/viz/server.json`,
 * readable by the owner only, holding the address and a token that a run's reports must carry.
 */
export interface ServerAddress {
  readonly url: string;
  readonly token: string;
  readonly pid: number;
}

/** The header a run's report carries the token in. */
export const TOKEN_HEADER = 'x-sluice-viz-token';

export function serverAddressFile(projectPath: string): string {
  return join(projectPath, '.sluice', 'viz', 'server.json');
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Writes the file whole (temporary file, then rename), owner-only. */
export function writeServerAddress(projectPath: string, address: ServerAddress): void {
  const file = serverAddressFile(projectPath);
  mkdirSync(join(projectPath, '.sluice', 'viz'), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(address), { mode: 0o600 });
  renameSync(temporary, file);
}

/** Removes the file when it still names this server (a newer `sluice viz` may have replaced it). */
export function removeServerAddress(projectPath: string, token: string): void {
  if (readServerAddress(projectPath, { checkAlive: false })?.token === token)
    rmSync(serverAddressFile(projectPath), { force: true });
}

/**
 * The open server's address, or undefined when there is none: no file, an unreadable one, or one
 * whose process is gone (a server that was killed leaves its file behind).
 */
export function readServerAddress(
  projectPath: string,
  options: { checkAlive: boolean } = { checkAlive: true },
): ServerAddress | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(serverAddressFile(projectPath), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { url, token, pid } = parsed as Record<string, unknown>;
  if (typeof url !== 'string' || typeof token !== 'string' || typeof pid !== 'number') return undefined;
  if (options.checkAlive && !processAlive(pid)) return undefined;
  return { url, token, pid };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
