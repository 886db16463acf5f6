/**
 * Writes a throwaway project (conf folders, modules) into a temporary folder, for config and
 * catalog tests that need real files.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Creates a project whose files are `{ 'conf/base/catalog.yml': '...' }`; returns its path. */
export function writeProject(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'sluice-config-'));
  for (const [path, text] of Object.entries(files)) {
    const absolute = join(root, path);
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, text);
  }
  mkdirSync(join(root, 'conf', 'base'), { recursive: true });
  return root;
}

/** Runs `action` and returns the error it throws; fails when it doesn't throw. */
export function errorOf(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`, { cause: error });
  }
  throw new Error('expected an error, but nothing was thrown');
}

/** The async twin of {@link errorOf}. */
export async function rejectionOf(action: () => Promise<unknown>): Promise<Error> {
  try {
    await action();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`, { cause: error });
  }
  throw new Error('expected a rejection, but the promise resolved');
}
