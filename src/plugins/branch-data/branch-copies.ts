import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { DataCatalog } from '../../plugin-api/index.ts';
import { isParameterName } from '../../plugin-api/index.ts';
import { branchPath } from './branch-path.ts';

/** The branch data plugin's name, as registered and as it signs its location rewrites. */
export const BRANCH_DATA_PLUGIN_NAME = 'sluice:branch-data';

/** One dataset's copy on a branch. */
export interface BranchCopy {
  readonly dataset: string;
  /** The shared location (after path rules). */
  readonly shared: string;
  /** The branch's location: `<shared>_<branch>`. */
  readonly copy: string;
  readonly exists: boolean;
}

/** True for locations on this machine (not `s3://…` and the like): the ones `clean` may remove. */
export function isLocalPath(location: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}

/** The shared location of `name`: where it lives without branch data (path rules still applied). */
export function sharedLocation(catalog: DataCatalog, name: string): string | undefined {
  const location = catalog.locationOf(name);
  if (location === undefined || location.key === 'url') return undefined;
  const branched = location.rewrites.some((rewrite) => rewrite.by === BRANCH_DATA_PLUGIN_NAME);
  return branched ? location.fallback : location.location;
}

/** Every file dataset of `names` with its copy for `safeBranch`, and whether that copy exists. */
export function branchCopies(
  catalog: DataCatalog,
  names: Iterable<string>,
  safeBranch: string,
  projectPath: string,
): BranchCopy[] {
  const copies: BranchCopy[] = [];
  for (const dataset of [...new Set(names)].sort()) {
    if (isParameterName(dataset)) continue;
    const shared = sharedLocation(catalog, dataset);
    if (shared === undefined) continue;
    const copy = branchPath(shared, safeBranch);
    copies.push({
      dataset,
      shared,
      copy,
      exists: isLocalPath(copy) && existsSync(absolute(copy, projectPath)),
    });
  }
  return copies;
}

/** Removes the copies that exist (files, or folders of versions and partitions); returns them. */
export async function removeCopies(
  copies: readonly BranchCopy[],
  projectPath: string,
): Promise<BranchCopy[]> {
  const removed: BranchCopy[] = [];
  for (const copy of copies) {
    if (!copy.exists) continue;
    await rm(absolute(copy.copy, projectPath), { recursive: true, force: true });
    removed.push(copy);
  }
  return removed;
}

export function absolute(location: string, projectPath: string): string {
  return isAbsolute(location) ? location : resolve(projectPath, location);
}
