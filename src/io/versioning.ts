import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { temporaryName } from './atomic-write.ts';
import { DatasetError } from './dataset.ts';
import { removeOrphanedTemporaries } from './orphaned-temporaries.ts';

/**
 * Versioned datasets live at `<filepath>/<version>/<basename(filepath)>`, as in Kedro. A version
 * is a sortable timestamp (the run id by default), so "latest" is the greatest name.
 */
export interface VersionSettings {
  /** The version a save writes. Defaults to a fresh timestamp. */
  saveVersion?: string;
  /** The version a load reads. Defaults to the latest that exists. */
  loadVersion?: string;
}

/** A sortable, filesystem-safe UTC timestamp such as `2026-11-22T02.35.12.774Z`. */
export function timestampVersion(date = new Date()): string {
  return date.toISOString().replace(/:/g, '.');
}

export function versionedPath(filepath: string, version: string): string {
  return join(filepath, version, basename(filepath));
}

/** All versions saved under `filepath`, oldest first. */
export async function listVersions(filepath: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(filepath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const versions: string[] = [];
  for (const entry of entries) {
    if (entry.startsWith('.')) continue;
    if (await pathExists(versionedPath(filepath, entry))) versions.push(entry);
  }
  return versions.sort();
}

/** The path a load reads: the requested version, or the latest one. */
export async function resolveLoadPath(
  datasetName: string,
  filepath: string,
  settings: VersionSettings,
): Promise<string> {
  if (settings.loadVersion !== undefined) {
    const path = versionedPath(filepath, settings.loadVersion);
    if (!(await pathExists(path))) {
      const known = await listVersions(filepath);
      throw new DatasetError(
        `Dataset "${datasetName}" has no version "${settings.loadVersion}" at ${path}.`,
        {
          datasetName,
          hint:
            known.length === 0
              ? 'Nothing has been saved yet.'
              : `Saved versions: ${known.slice(-5).join(', ')}.`,
        },
      );
    }
    return path;
  }
  const versions = await listVersions(filepath);
  const latest = versions.at(-1);
  if (latest === undefined) {
    throw new DatasetError(
      `Dataset "${datasetName}" is versioned, but no version exists under ${filepath}.`,
      {
        datasetName,
        hint: 'Run the node that produces it first.',
      },
    );
  }
  return versionedPath(filepath, latest);
}

/**
 * Saves a new version as a whole: `write(file)` fills `<filepath>/.<version>.<pid>@<host>.<hex>.tmp/`
 * and that folder is then renamed to `<filepath>/<version>`. A version folder therefore exists only
 * once complete; a save killed midway leaves a temporary folder that the next save of the dataset
 * (in any process) removes once its writer is provably dead. Returns the saved file's path.
 * Refuses to overwrite a version that exists.
 */
export async function saveVersionAside(
  datasetName: string,
  filepath: string,
  settings: VersionSettings,
  write: (file: string) => Promise<void>,
): Promise<string> {
  await removeAbandonedVersions(filepath);
  const path = await resolveSavePath(datasetName, filepath, settings);
  const version = basename(resolve(path, '..'));
  await mkdir(filepath, { recursive: true });
  const temporary = join(filepath, temporaryName(version));
  await mkdir(temporary);
  try {
    await write(join(temporary, basename(filepath)));
    await rename(temporary, join(filepath, version));
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') throw versionExists(datasetName, version, path);
    throw error;
  }
  return path;
}

const cleaned = new Set<string>();

/**
 * Removes what saves killed midway left under `filepath`, once per process: temporary version
 * folders whose writer is dead, and version folders of older Sluice releases that never got their
 * file and hold nothing but such orphans.
 */
export async function removeAbandonedVersions(filepath: string): Promise<void> {
  const key = resolve(filepath);
  if (cleaned.has(key)) return;
  cleaned.add(key);
  await removeOrphanedTemporaries(key);
  let entries: string[];
  try {
    entries = await readdir(key);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.startsWith('.') || (await pathExists(versionedPath(key, entry)))) continue;
    const folder = join(key, entry);
    if (!(await isFolder(folder))) continue;
    await removeOrphanedTemporaries(folder);
    // Only an empty folder goes: anything else may be a save under way, or someone's data.
    await rmdir(folder).catch(() => {});
  }
}

/** The path a save writes. Refuses to overwrite a version that exists: versioned data is immutable. */
export async function resolveSavePath(
  datasetName: string,
  filepath: string,
  settings: VersionSettings,
): Promise<string> {
  const version = settings.saveVersion ?? timestampVersion();
  const path = versionedPath(filepath, version);
  if (await pathExists(path)) throw versionExists(datasetName, version, path);
  return path;
}

function versionExists(datasetName: string, version: string, path: string): DatasetError {
  return new DatasetError(
    `Dataset "${datasetName}" already has version "${version}" at ${path}; versions are never overwritten.`,
    {
      datasetName,
      hint: 'Save under a new version (each run has its own), or remove that version by hand if you really mean to.',
    },
  );
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
