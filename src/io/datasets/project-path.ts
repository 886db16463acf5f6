import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { OptionReader } from './dataset-options.ts';
import { formatLocation } from '../../config-location.ts';
import type { DatasetSettings } from './file-dataset.ts';

/** The catalog option that lets a relative path lead outside the project. */
export const OUTSIDE_PROJECT_OPTION = 'outside_project';

/**
 * Resolves the path option `key` (value `path`) against the project root. A relative path that
 * climbs out of the project (`../../outside.csv`) is an error unless the entry sets
 * `outside_project: true`: a typo or a path filled from a name must not write elsewhere unseen.
 * Absolute paths are explicit and always allowed. Without a project root (datasets built in
 * code), paths resolve against the current directory unchecked.
 */
export function resolveProjectPath(
  reader: OptionReader,
  settings: DatasetSettings,
  key: string,
  path: string,
): string {
  const allowed = reader.boolean(OUTSIDE_PROJECT_OPTION) ?? false;
  if (settings.projectPath === undefined) return resolve(process.cwd(), path);
  const root = resolve(settings.projectPath);
  const resolved = resolve(root, path);
  if (allowed || isAbsolute(path) || isInside(root, resolved)) return resolved;
  const declared = formatLocation(settings.location);
  throw reader.error(
    `option "${reader.path(key)}" is "${path}", which resolves to ${resolved}, outside the project ${root}`,
    `Keep data inside the project, write an absolute path if the file really lives elsewhere, or add "${OUTSIDE_PROJECT_OPTION}: true" to the entry${declared === '' ? '' : ` (${declared})`} to allow this relative path.`,
  );
}

function isInside(root: string, path: string): boolean {
  const relativePath = relative(root, path);
  return (
    relativePath === '' ||
    (!relativePath.startsWith(`..${sep}`) && relativePath !== '..' && !isAbsolute(relativePath))
  );
}
