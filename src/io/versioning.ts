import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DatasetError } from './dataset.ts';

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

/** The path a save writes. Refuses to overwrite a version that exists: versioned data is immutable. */
export async function resolveSavePath(
  datasetName: string,
  filepath: string,
  settings: VersionSettings,
): Promise<string> {
  const version = settings.saveVersion ?? timestampVersion();
  const path = versionedPath(filepath, version);
  if (await pathExists(path)) {
    throw new DatasetError(
      `Dataset "${datasetName}" already has version "${version}" at ${path}; versions are never overwritten.`,
      {
        datasetName,
        hint: 'Save under a new version (each run has its own), or remove that version by hand if you really mean to.',
      },
    );
  }
  return path;
}

async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
