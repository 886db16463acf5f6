import type { Stats } from 'node:fs';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** File extensions read as configuration. JSON is valid YAML, so it is read the same way. */
export const CONFIG_EXTENSIONS: readonly string[] = ['.yml', '.yaml', '.json'];

/**
 * A glob such as `catalog*` or `catalog*\/**` as a regular expression over `/`-separated paths
 * relative to an environment folder. `*` and `?` stay within one path segment; `**` spans any
 * number of segments, none included, so `**\/catalog*` also matches a top-level `catalog.yml`.
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      const slashFollows = glob[i + 2] === '/';
      source += slashFollows ? '(?:[^/]+/)*' : '.*';
      i += slashFollows ? 2 : 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/**
 * The configuration files under `folder` that match any of `globs`, as sorted `/`-separated
 * relative paths. Hidden files and folders (a leading dot) are skipped, as editors and git leave
 * them there. (Node 20 has no `fs.glob`, hence the small walker.)
 */
export function findConfigFiles(folder: string, globs: readonly string[]): string[] {
  const matchers = globs.map(globToRegExp);
  return listFiles(folder)
    .filter((path) => CONFIG_EXTENSIONS.some((extension) => path.endsWith(extension)))
    .filter((path) => matchers.some((matcher) => matcher.test(path)))
    .sort();
}

function listFiles(folder: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(folder, prefix), { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    // Symbolic links count as what they point to (a shared conf folder linked into an environment).
    const target = entry.isSymbolicLink() ? statOrUndefined(join(folder, relative)) : entry;
    if (target?.isDirectory()) files.push(...listFiles(folder, relative));
    else if (target?.isFile()) files.push(relative);
  }
  return files;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    // A dangling link is not configuration.
    return undefined;
  }
}
