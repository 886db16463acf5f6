import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** This machine's name as temporary names carry it: letters, digits and `-` only. */
export const HOST_TAG = hostname().replace(/[^A-Za-z0-9-]/g, '-') || 'host';

/**
 * A temporary path beside `target` (same folder, so the final rename is atomic on one filesystem):
 * `.<name>.<pid>@<host>.<random>.tmp`. The leading dot and the `.tmp` ending make listings and
 * globs skip it; the writer's pid and host let a later process prove it orphaned (the writer is
 * dead) and remove it. See `removeOrphanedTemporaries`.
 */
export function temporaryPathFor(target: string): string {
  return join(dirname(target), temporaryName(basename(target)));
}

/** The temporary name for `name` written by this process. */
export function temporaryName(name: string): string {
  return `.${name}.${process.pid}@${HOST_TAG}.${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * Runs `write(tmpPath)` then renames the result over `target`. Whatever the writer does (a
 * library writing its own file, a stream), a crash mid-write leaves the previous `target` whole.
 */
export async function writeAtomically(
  target: string,
  write: (temporaryPath: string) => Promise<void>,
): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temporary = temporaryPathFor(target);
  try {
    await write(temporary);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true, recursive: true });
    throw error;
  }
}

/** Writes bytes or text to `target` atomically. */
export function writeFileAtomically(target: string, data: string | Uint8Array): Promise<void> {
  return writeAtomically(target, (temporary) => writeFile(temporary, data));
}
