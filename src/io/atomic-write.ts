import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * A temporary path beside `target` (same folder, so the final rename is atomic on one filesystem).
 * The name starts with a dot and ends with `.tmp` so that listings and globs skip it.
 */
export function temporaryPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
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
